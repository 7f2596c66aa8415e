"""What a month costs: consumptions, prices, invoices and credit notes, the invoice sheet."""
