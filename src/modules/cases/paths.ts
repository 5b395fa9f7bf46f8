export const casePaths = {
  report: '/report',
  track: '/track',
  yourRequests: '/account/requests',
  satisfaction: '/satisfaction',
  map: '/map',
  staff: {
    worklist: '/staff/cases',
    export: '/staff/cases.csv',
    case: (id: number | string) => `/staff/cases/${id}`,
    caseRoute: '/staff/cases/:id',
    recordContact: '/staff/record-a-contact',
    overview: '/staff/cases/overview',
    catalogue: '/staff/request-types',
    apiKeys: '/staff/api-keys',
  },
  open311: '/open311/v2',
} as const;
