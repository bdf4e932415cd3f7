import { applyDnssecEarlyWarning, isSignatureExpiring } from './dnssec-warning';
import { initialRecord, resolveSettings, step } from './state-machine';

const UP = { status: 'up' as const, reasons: [] };

describe('DNSSEC early warning', () => {
  it('a secure zone expiring within the window is degraded with signature_expiring', () => {
    const v = applyDnssecEarlyWarning(UP, { status: 'secure', daysToExpiry: 5 }, 14);
    expect(v).toEqual({
      status: 'degraded',
      reasons: [
        {
          code: 'signature_expiring',
          message: 'DNSSEC signatures expire in 5 days (warning window 14 days)',
        },
      ],
    });
  });

  it('uses whole days left: 13 is inside a 14-day window, 14 is not', () => {
    expect(isSignatureExpiring({ status: 'secure', daysToExpiry: 13 }, 14)).toBe(true);
    expect(isSignatureExpiring({ status: 'secure', daysToExpiry: 14 }, 14)).toBe(false);
    expect(isSignatureExpiring({ status: 'secure', daysToExpiry: 0 }, 1)).toBe(true);
    expect(isSignatureExpiring({ status: 'secure', daysToExpiry: 0 }, 0)).toBe(false);
  });

  it('leaves a healthy, unsigned, bogus or unknown zone alone', () => {
    expect(applyDnssecEarlyWarning(UP, { status: 'secure', daysToExpiry: 30 }, 14)).toBe(UP);
    expect(applyDnssecEarlyWarning(UP, { status: 'secure', daysToExpiry: null }, 14)).toBe(UP);
    expect(applyDnssecEarlyWarning(UP, { status: 'insecure', daysToExpiry: 2 }, 14)).toBe(UP);
    const down = { status: 'down' as const, reasons: [{ code: 'bogus', message: 'bogus' }] };
    expect(applyDnssecEarlyWarning(down, { status: 'bogus', daysToExpiry: 2 }, 14)).toBe(down);
    // A down verdict is not made better by a secure observation.
    expect(applyDnssecEarlyWarning(down, { status: 'secure', daysToExpiry: 2 }, 14)).toBe(down);
  });

  it('rejects a negative window', () => {
    expect(() => isSignatureExpiring({ status: 'secure', daysToExpiry: 1 }, -1)).toThrow(
      /windowDays/,
    );
  });

  it('feeds the state machine: three expiring results make the zone degraded', () => {
    const settings = resolveSettings();
    let record = initialRecord('zone');
    const statuses: string[] = [];
    for (let day = 0; day < 5; day += 1) {
      const v = applyDnssecEarlyWarning(
        UP,
        { status: 'secure', daysToExpiry: day < 2 ? 20 : 10 },
        14,
      );
      const out = step(record, { ...v, at: new Date(Date.UTC(2025, 5, 1 + day)) }, settings);
      record = out.record;
      if (out.event) statuses.push(`${out.event.from}->${out.event.to}`);
    }
    expect(statuses).toEqual(['unknown->up', 'up->degraded']);
    expect(record.lastReasons[0].code).toBe('signature_expiring');
  });
});
