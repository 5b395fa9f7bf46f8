/** Every role a member of staff can hold; what each may do is the policy's (src/modules/identity/policy.ts). */
export const staffRoles = [
  'partnership_admin',
  'organisation_admin',
  'contact_centre_agent',
  'service_officer',
  'service_manager',
  'recruiter',
  'analyst',
  'partner_adviser',
] as const;
export type StaffRole = (typeof staffRoles)[number];
