"""The bank's return file of a direct debit batch, read properly: a pain.002 status report (debits
rejected before settlement, status and reason at the transaction's, block's or group's level) and
a camt.054 notification (debits returned after settlement), any version; anything else refused
in French, a document type declaration (in any encoding) before any parsing."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.direct_debit import read_debit_returns
from portail_core.domain.payments.debit_returns import ReturnedDebit
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput


def pain002(transactions: str, group_status: str = "PART", version: str = "03") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version}">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>STS-20261017-0001</MsgId><CreDtTm>2026-10-17T06:12:00</CreDtTm>
      <DbtrAgt><FinInstnId><BIC>AGRIFRPP</BIC></FinInstnId></DbtrAgt></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>PORTAIL-PRLV-2026-09</OrgnlMsgId>
      <OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId><GrpSts>{group_status}</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts><OrgnlPmtInfId>PORTAIL-PRLV-2026-09-1</OrgnlPmtInfId>
      {transactions}
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>""".encode()


def rejected(number: str, code: str, amount: str = "52.00") -> str:
    return f"""<TxInfAndSts><StsId>R-{number}</StsId><OrgnlEndToEndId>{number}</OrgnlEndToEndId>
      <TxSts>RJCT</TxSts>
      <StsRsnInf><Orgtr><Id><OrgId><BICOrBEI>AGRIFRPP</BICOrBEI></OrgId></Id></Orgtr>
        <Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>
      <OrgnlTxRef><Amt><InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt>
        <ReqdColltnDt>2026-10-20</ReqdColltnDt></OrgnlTxRef>
    </TxInfAndSts>"""


def camt054(details: str, version: str = "02") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.{version}">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>NTF-20261105</MsgId><CreDtTm>2026-11-05T07:00:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>N1</Id><CreDtTm>2026-11-05T07:00:00</CreDtTm>
      <Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
      <Ntry><Amt Ccy="EUR">52.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-04</Dt></BookgDt><ValDt><Dt>2026-11-04</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly>
        </Domn></BkTxCd>
        <NtryDtls>{details}</NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


def returned(number: str, code: str) -> str:
    return f"""<TxDtls><Refs><EndToEndId>{number}</EndToEndId><MndtId>PF-000001-20261001</MndtId>
      </Refs><AmtDtls><TxAmt><Amt Ccy="EUR">52.00</Amt></TxAmt></AmtDtls>
      <RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf></TxDtls>"""


def test_a_status_report_gives_the_rejected_debits_and_leaves_the_accepted() -> None:
    accepted = (
        "<TxInfAndSts><OrgnlEndToEndId>FA-2026-000002</OrgnlEndToEndId>"
        "<TxSts>ACSC</TxSts></TxInfAndSts>"
    )
    parsed = read_debit_returns(pain002(rejected("FA-2026-000001", "AM04") + accepted))
    assert parsed.kind == "pain.002"
    assert parsed.returns == (
        ReturnedDebit("FA-2026-000001", "AM04", Money(5200), date(2026, 10, 17), "opération n° 1"),
    )
    assert parsed.others == 1


def test_a_later_version_and_a_status_given_by_the_block_are_read_alike() -> None:
    transaction = "<TxInfAndSts><OrgnlEndToEndId>FA-2026-000003</OrgnlEndToEndId></TxInfAndSts>"
    block = "<PmtInfSts>RJCT</PmtInfSts><StsRsnInf><Rsn><Cd>MD01</Cd></Rsn></StsRsnInf>"
    parsed = read_debit_returns(pain002(block + transaction, version="10"))
    [only] = parsed.returns
    assert (only.invoice_number, only.reason, only.amount) == ("FA-2026-000003", "MD01", None)


def test_a_file_rejected_whole_is_explained() -> None:
    document = pain002("", group_status="RJCT").replace(
        b"<GrpSts>RJCT</GrpSts>",
        b"<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>",
    )
    with pytest.raises(InvalidInput) as refused:
        read_debit_returns(document)
    assert "rejeté le fichier PORTAIL-PRLV-2026-09 en entier (motif FF01)" in refused.value.message


def test_a_notification_gives_the_returned_debits_with_their_booking_day() -> None:
    credit = "<TxDtls><Refs><EndToEndId>VIR-1</EndToEndId></Refs></TxDtls>"
    parsed = read_debit_returns(camt054(returned("FA-2026-000001", "MD06") + credit, "08"))
    assert parsed.kind == "camt.054"
    assert parsed.returns == (
        ReturnedDebit("FA-2026-000001", "MD06", Money(5200), date(2026, 11, 4), "opération n° 1"),
    )
    assert parsed.others == 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "pas du XML lisible"),
        (b"<Document><CstmrPmtStsRpt/>", "pas du XML lisible (ligne 1"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>', "pas un fichier"),
        (b"<Facture/>", "pas un fichier de retour SEPA"),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">&a;</Document>',
            "déclaration de type de document",
        ),
        (
            '<!DOCTYPE l [<!ENTITY a "aaaa">]><Document>&a;</Document>'.encode("utf-16"),
            "pas en UTF-8",
        ),
        (pain002(rejected("FA-1", "AM04", "52.001")), "au plus deux décimales"),
        (pain002(rejected("FA-1", "AM04", "-3")), "montant « -3 EUR » inattendu"),
        (pain002(rejected("FA-1", "AM04", "abc")), "opération n° 1 : montant illisible"),
        (b"x" * (5 * 1024 * 1024 + 1), "trop gros"),
    ],
)
def test_anything_else_is_refused_in_french(document: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_debit_returns(document)
    assert message in refused.value.message
