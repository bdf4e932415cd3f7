/** The four outcomes of RFC 4035 §4.3. */
export type DnssecStatus = 'secure' | 'insecure' | 'bogus' | 'indeterminate';

export interface KeyDiagnostic {
  tag: number;
  algorithm: number;
  algorithmName: string;
  bits: number;
  flags: number;
  /** Secure entry point (KSK) bit. */
  sep: boolean;
  policy: 'ok' | 'deprecated' | 'unsupported';
}

export interface DsDiagnostic {
  tag: number;
  algorithm: number;
  digestType: number;
  digestName: string;
  /** The DNSKEY tag this DS matched, if any. */
  matched: boolean;
  policy: 'ok' | 'deprecated' | 'unsupported';
}

export interface SignatureDiagnostic {
  owner: string;
  type: string;
  zone: string;
  keyTag: number;
  algorithm: number;
  inception: string;
  expiration: string;
  daysToExpiry: number;
}

/** One zone on the chain from the trust anchor down. */
export interface LevelDiagnostic {
  zone: string;
  status: DnssecStatus;
  /** Where the zone's keys were authenticated from: the configured anchor or the parent's DS. */
  anchoredBy: 'trust-anchor' | 'parent-ds' | 'none';
  keys: KeyDiagnostic[];
  ds: DsDiagnostic[];
  nsec3?: { iterations: number; saltHex: string; optOut: boolean };
}

export interface Warning {
  code:
    | 'signature-expiring'
    | 'inception-in-future'
    | 'nsec3-iterations'
    | 'nsec3-salt'
    | 'nsec3-iterations-too-high'
    | 'deprecated-algorithm'
    | 'deprecated-digest'
    | 'unsupported-algorithm'
    | 'ds-without-signed-zone';
  message: string;
}

export interface DnssecDiagnostics {
  levels: LevelDiagnostic[];
  signatures: SignatureDiagnostic[];
  earliestExpiry: string | null;
  daysToExpiry: number | null;
  expiringSoon: SignatureDiagnostic[];
  warnings: Warning[];
}

export interface DnssecResult {
  name: string;
  type: string;
  status: DnssecStatus;
  /** Outermost first: the verdict, then why, then the detail that decided it. */
  reasons: string[];
  /** What the answer said, once validated (or not). */
  answer: {
    /** null when no answer arrived. */
    rcode: string | null;
    records: { name: string; type: string; ttl: number; data: string }[];
    cnameChain: string[];
  };
  diagnostics: DnssecDiagnostics;
  queries: number;
}
