"""Document exchange between agencies: edXML (QCVN 102:2016) packages, statuses, the hub."""
