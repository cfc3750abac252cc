"""Pure planning: Desired x Live -> Plan. No I/O here."""
