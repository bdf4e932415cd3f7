import { CHANNEL_KINDS } from '../../../src/notifications/notification.types';
import { CHANNEL_DRIVERS, driverFor } from '../../../src/notifications/channels';
import { fields } from './fixtures';

describe('channel drivers', () => {
  it.each(CHANNEL_KINDS.map((k) => [k]))('%s has a driver of that kind', (kind) => {
    const driver = driverFor(kind);
    expect(driver.kind).toBe(kind);
    expect(CHANNEL_DRIVERS[kind]).toBe(driver);
    expect(typeof driver.parseConfig).toBe('function');
    expect(typeof driver.parseSecret).toBe('function');
    expect(typeof driver.send).toBe('function');
  });

  it('has a driver for every kind and nothing else', () => {
    expect(Object.keys(CHANNEL_DRIVERS).sort()).toEqual([...CHANNEL_KINDS].sort());
  });

  it('an unknown kind is a ValidationError naming kind', () => {
    expect(fields(() => driverFor('sms'))).toEqual(['kind']);
    expect(fields(() => driverFor('constructor'))).toEqual(['kind']);
  });
});
