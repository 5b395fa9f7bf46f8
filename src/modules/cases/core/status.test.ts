import { describe, expect, it } from 'vitest';
import { publicStatusNames, publicStatusTags, staffStatusNames, staffStatusTags } from './status.js';

describe('the status vocabulary', () => {
  it('tells residents a new request is received, and staff that it is open', () => {
    expect(publicStatusNames).toEqual({
      open: 'Received',
      acknowledged: 'Acknowledged',
      in_progress: 'In progress',
      resolved: 'Resolved',
      closed: 'Closed',
    });
    expect(staffStatusNames).toEqual({
      open: 'Open',
      acknowledged: 'Acknowledged',
      in_progress: 'In progress',
      resolved: 'Resolved',
      closed: 'Closed',
    });
  });

  it('gives each audience its own tag colours', () => {
    expect(publicStatusTags.open).toBe('govuk-tag--grey');
    expect(staffStatusTags.open).toBe('govuk-tag--blue');
    expect(publicStatusTags.closed).toBe('govuk-tag--green');
    expect(staffStatusTags.closed).toBe('govuk-tag--grey');
  });
});
