"""The waiting room of opening day (``domain.waiting_room``): the gate of the booking pages, the
waiting family's page, the confirmation that frees a place, and the desk's settings.

Everything that moves the queue holds the room's row lock, in one transaction: a ticket issued
or rejoining, a place freed, the queue moved, the settings changed. The queue moves when a
family arrives, when one leaves after a confirmation, and when a waiting page asks for news and
the last move is a second old (whichever server answers it: no process keeps the queue in
memory). A family inside costs its gate one read; a waiting page, two.
"""
