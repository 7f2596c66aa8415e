"""The waiting room of opening day (``domain.waiting_room``): the gate of the booking pages, the
waiting family's page, the confirmation that frees a place, and the desk's settings.

Whatever lets families in holds the room's row lock and counts those inside once it holds it
(the queue moved, the settings changed): never more than the capacity inside. A ticket taken or
back in line (waiting: nobody more inside) and a place freed after a confirmation (one fewer)
need no lock, so that neither arrivals nor confirmations wait for one another. The queue moves
when an arriving family finds places free, and when a waiting page asks for news and the last
move is a second old (whichever server answers it: no process keeps the queue in memory). A
family inside costs its gate one read; a waiting page, two; a confirmation, one update.
"""
