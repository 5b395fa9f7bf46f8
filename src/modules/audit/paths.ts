export const auditPaths = {
  log: '/staff/audit',
  csv: '/staff/audit.csv',
  verify: '/staff/audit/verify',
} as const;
