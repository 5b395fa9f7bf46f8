export const notifyPaths = {
  outbox: '/staff/outbox',
  email: (id: number | string) => `/staff/outbox/${id}`,
  emailRoute: '/staff/outbox/:id',
} as const;
