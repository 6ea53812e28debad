"""After a sent award decision: complaints and injunctions that suspend signing, the signed
contract (after the standstill end, by the database clock), and the award notice."""
