import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrustAnchors } from '../../probes/dns/dnssec/anchors';
import { DnssecValidator } from '../../probes/dns/dnssec/validator';
import { ServerLookup } from '../../probes/dns/lookup';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { RunningNamed, startNamed } from '../support/dns/named';

interface Case {
  name: string;
  type: string;
  case: string;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'dns');
const CASES: Case[] = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));

/**
 * delv prints one verdict line per RRset of the chain it followed ("; fully validated",
 * "; unsigned answer", "; negative response, fully validated", or "resolution failed: REASON").
 * The answer is as strong as its weakest line.
 */
function delvVerdict(output: string): 'secure' | 'insecure' | 'bogus' {
  // Only delv's verdict lines (the record lines that follow also start with ';').
  const lines = output
    .split('\n')
    .filter((l) =>
      /^;+ (fully validated|negative response|unsigned answer|resolution failed)/.test(l),
    );
  // A validated negative answer ends with "resolution failed: ncache nxdomain/nxrrset": not a failure.
  if (lines.some((l) => /resolution failed/.test(l) && !/ncache nx(domain|rrset)/.test(l)))
    return 'bogus';
  if (lines.some((l) => /unsigned answer/.test(l))) return 'insecure';
  if (lines.some((l) => /fully validated/.test(l))) return 'secure';
  throw new Error(`unrecognised delv output:\n${output}`);
}

function delv(port: number, name: string, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'delv',
      [
        '@127.0.0.1',
        '-p',
        String(port),
        '-a',
        join(FIXTURES, 'anchors', 'delv.conf'),
        '+root=.',
        name,
        type,
      ],
      { timeout: 20_000 },
      (err, stdout, stderr) =>
        err && !stdout && !stderr ? reject(err) : resolve(`${stdout}${stderr}`),
    );
  });
}

/**
 * Interop: the signed hierarchy served by BIND named; every case judged by BIND's delv and by
 * our validator through the same named. Every verdict must agree.
 */
describe('DNSSEC verdicts agree with BIND delv (zones served by named)', () => {
  let named: RunningNamed;
  beforeAll(async () => {
    named = await startNamed({ zoneDir: 'test/fixtures/dns/zones' });
  }, 60_000);
  afterAll(async () => named?.stop());

  it.each(CASES.map((c) => [c.case, c.name, c.type] as const))(
    '%s: %s %s',
    async (_case, name, type) => {
      const validator = new DnssecValidator({
        lookup: new ServerLookup(new UdpTcpTransport(), { address: '127.0.0.1', port: named.port }),
        anchors: loadTrustAnchors(join(FIXTURES, 'anchors', 'root.ds')),
      });
      const [ours, theirs] = await Promise.all([
        validator.validate(name, type),
        delv(named.port, name, type),
      ]);
      expect({ name, type, verdict: ours.status }).toEqual({
        name,
        type,
        verdict: delvVerdict(theirs),
      });
    },
  );
});
