"""Cancellation of a procurement (avlysning): a legal ground and reasons, at any stage after
publication and before a contract is signed; letters to everyone who took part."""
