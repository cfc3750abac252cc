"""What the account-reporting commands compute: `import` (config files from live tenants) and
`status` (sending status, reputation and impact per tenant)."""
