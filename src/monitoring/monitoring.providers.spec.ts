import { databaseDenials } from './monitoring.providers';

describe('databaseDenials (checks never reach the service database)', () => {
  it('denies a local database port on its address and every loopback address', () => {
    expect(databaseDenials('postgres://u:p@127.0.0.1:5433/netwatch')).toEqual([
      { cidr: '127.0.0.1/32', port: 5433 },
      { cidr: '127.0.0.0/8', port: 5433 },
      { cidr: '::1/128', port: 5433 },
    ]);
    expect(databaseDenials('postgresql://u@localhost/netwatch')).toEqual([
      { cidr: '127.0.0.0/8', port: 5432 },
      { cidr: '::1/128', port: 5432 },
    ]);
  });

  it('denies a remote database given by address, on that address only', () => {
    expect(databaseDenials('postgres://u@198.51.100.7:6432/db')).toEqual([
      { cidr: '198.51.100.7/32', port: 6432 },
    ]);
  });

  it('has nothing to deny for a Unix socket', () => {
    expect(databaseDenials('postgres://u@/db?host=/var/run/postgresql')).toEqual([]);
  });
});
