import {
  bitsPerSecond,
  counterDelta,
  formatTicks,
  judgeUptime,
  parseCounter,
  plausibleOctets,
} from '../../../probes/snmp/counters';
import {
  classify,
  counter64,
  familyOf,
  openSession,
  SnmpError,
} from '../../../probes/snmp/session';
import * as snmp from 'net-snmp';

describe('judgeUptime', () => {
  it('uptime that advanced with the clock is no reboot', () => {
    expect(judgeUptime(100_000, 106_000, 60)).toEqual({ rebooted: false });
    // Our clock and the agent's ticks disagree by a second: still no reboot.
    expect(judgeUptime(100_000, 105_900, 60)).toEqual({ rebooted: false });
  });

  it('uptime that went backwards is a reboot', () => {
    expect(judgeUptime(100_000, 99_999, 60)).toMatchObject({
      rebooted: true,
      detail: 'sysUpTime went backwards from 00:16:40 to 00:16:39',
    });
  });

  it('uptime shorter than the time elapsed is a reboot, even when it is larger than before', () => {
    // Seen at 10 s of uptime, then an hour later the agent has been up 20 minutes.
    expect(judgeUptime(1000, 120_000, 3600)).toMatchObject({ rebooted: true });
  });

  it('a 32-bit TimeTicks wrap (~497 days) is not a reboot', () => {
    const prev = 2 ** 32 - 3000; // 30 s before the wrap
    expect(judgeUptime(prev, 3000, 60)).toEqual({ rebooted: false });
  });

  it('formats ticks as [d] hh:mm:ss', () => {
    expect(formatTicks(0)).toBe('00:00:00');
    expect(formatTicks(8_640_000 + 366_100)).toBe('1d 01:01:01');
  });
});

describe('counterDelta', () => {
  const big = 10n ** 15n;

  it('counts a plain increase', () => {
    expect(counterDelta(100n, 350n, 32, big)).toEqual({ ok: true, octets: 250n, wrapped: false });
  });

  it('counts one 32-bit wrap', () => {
    expect(counterDelta(4_294_967_000n, 704n, 32, big)).toEqual({
      ok: true,
      octets: 1000n,
      wrapped: true,
    });
  });

  it('counts one 64-bit wrap', () => {
    expect(counterDelta(2n ** 64n - 10n, 5n, 64, big)).toEqual({
      ok: true,
      octets: 15n,
      wrapped: true,
    });
  });

  it('a decrease too large to be one wrap within the line rate is a reset', () => {
    // 64-bit counter from 9e11 to 1000: a wrap would mean ~1.8e19 octets.
    const d = counterDelta(900_000_000_000n, 1000n, 64, plausibleOctets(100e6, 60));
    expect(d).toMatchObject({ ok: false, reason: 'counters reset' });
    // 32-bit from 3e9 to 1e6 in 60 s on a 100 Mbit/s port: a wrap means ~172 Mbit/s → reset.
    expect(counterDelta(3_000_000_000n, 1_000_000n, 32, plausibleOctets(100e6, 60))).toMatchObject({
      ok: false,
    });
    // ... on a 1 Gbit/s port the same numbers are a plausible wrap.
    expect(counterDelta(3_000_000_000n, 1_000_000n, 32, plausibleOctets(1e9, 60))).toMatchObject({
      ok: true,
      wrapped: true,
    });
  });

  it('bit/s and plausible octets', () => {
    expect(bitsPerSecond(75_000_000n, 60)).toBe(10_000_000);
    expect(plausibleOctets(8, 1)).toBe(2n); // 1 octet + 25 %, rounded up
  });
});

describe('counter encodings', () => {
  it('Counter64 from 8 bytes, from 9 bytes with a leading zero, and from short forms', () => {
    expect(counter64(Buffer.from('ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(counter64(Buffer.from('00ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(counter64(Buffer.from('0100', 'hex'))).toBe(256n);
    expect(counter64(Buffer.from('00', 'hex'))).toBe(0n);
    expect(() => counter64(Buffer.from('010000000000000000', 'hex'))).toThrow(SnmpError);
  });

  it('parseCounter accepts decimal strings, safe numbers and bigints only', () => {
    expect(parseCounter('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(parseCounter(42)).toBe(42n);
    expect(parseCounter(2 ** 60)).toBeNull();
    expect(parseCounter('-1')).toBeNull();
    expect(parseCounter('1e6')).toBeNull();
    expect(parseCounter(5n)).toBe(5n);
  });
});

describe('session factory', () => {
  it('family follows the IP literal; names are refused', () => {
    expect(familyOf('127.0.0.1')).toBe(4);
    expect(familyOf('::1')).toBe(6);
    expect(() => familyOf('localhost')).toThrow(/IP literal/);
  });

  it('refuses bad ports, timeouts, retries and protocols before opening a socket', () => {
    const v2c = { version: 'v2c', community: 'c' } as const;
    expect(() => openSession({ host: '127.0.0.1', port: 0 }, v2c)).toThrow(/port/);
    expect(() => openSession({ host: '127.0.0.1' }, v2c, { timeoutMs: 0 })).toThrow(/timeout/);
    expect(() => openSession({ host: '127.0.0.1' }, v2c, { retries: -1 })).toThrow(/retries/);
    expect(() =>
      openSession(
        { host: '127.0.0.1' },
        {
          version: 'v3',
          username: 'u',
          authProtocol: 'sha1' as 'sha',
          authKey: 'aaaaaaaa',
          privProtocol: 'aes',
          privKey: 'bbbbbbbb',
        },
      ),
    ).toThrow(/auth protocol/);
  });

  it('classifies usmStats reports and never quotes a community', () => {
    const v3 = {
      version: 'v3',
      username: 'u',
      authProtocol: 'sha',
      authKey: 'k',
      privProtocol: 'aes',
      privKey: 'p',
    } as const;
    const report = (m: string) => classify(new snmp.ResponseInvalidError(m), v3, 100, 0);
    expect(report('Wrong Digest (incorrect password, community or key)')).toMatchObject({
      code: 'auth',
      usm: 'wrong_digest',
    });
    expect(report('Decryption Error')).toMatchObject({ code: 'auth', usm: 'decryption_error' });
    expect(report('Unknown User Name')).toMatchObject({ code: 'auth', usm: 'unknown_user_name' });
    expect(report('Not In Time Window')).toMatchObject({ usm: 'not_in_time_window' });
    const mismatch = new snmp.ResponseInvalidError("Community 'secret' in request ...");
    mismatch.code = snmp.ResponseInvalidCode.ECommunityNoMatch;
    const c = classify(mismatch, { version: 'v2c', community: 'secret' }, 100, 0);
    expect(c.code).toBe('protocol');
    expect(c.message).not.toContain('secret');
    expect(classify(new snmp.RequestFailedError('GeneralError'), v3, 100, 0).code).toBe(
      'agent_error',
    );
  });
});
