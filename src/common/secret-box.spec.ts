import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from './secret-box';

const newBox = () => new SecretBox(randomBytes(32));

/** Flips one bit of the decoded payload at `index` (negative: from the end). */
function tamper(envelope: string, index: number): string {
  const [version, payload] = envelope.split(':');
  const raw = Buffer.from(payload, 'base64');
  raw[index < 0 ? raw.length + index : index] ^= 0x01;
  return `${version}:${raw.toString('base64')}`;
}

describe('SecretBox', () => {
  it('round-trips text, including non-ASCII and empty strings', () => {
    const box = newBox();
    for (const plain of [
      'public-community',
      JSON.stringify({ authKey: 'k'.repeat(64) }),
      'Mật khẩu Đà Lạt',
      '',
    ]) {
      expect(box.open(box.seal(plain))).toBe(plain);
    }
  });

  it('writes a versioned envelope that does not contain the secret', () => {
    const box = newBox();
    const sealed = box.seal('s3cret-community');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('s3cret');
    // 12-byte IV + 16-byte tag + ciphertext of the same length as the plaintext.
    expect(Buffer.from(sealed.slice(3), 'base64')).toHaveLength(
      12 + 16 + 's3cret-community'.length,
    );
  });

  it('uses a fresh IV every time, so equal secrets do not look equal', () => {
    const box = newBox();
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), 'base64').subarray(0, 12)).not.toEqual(
      Buffer.from(b.slice(3), 'base64').subarray(0, 12),
    );
    expect(box.open(a)).toBe(box.open(b));
  });

  it.each([
    ['the IV', 0],
    ['the tag', 12],
    ['the ciphertext', -1],
  ])('detects tampering with %s', (_part, index) => {
    const box = newBox();
    const sealed = box.seal('community-string');
    expect(() => box.open(tamper(sealed, index))).toThrow();
  });

  it('refuses a truncated envelope', () => {
    const box = newBox();
    const sealed = box.seal('community-string');
    expect(() => box.open(sealed.slice(0, 20))).toThrow();
  });

  it('cannot be opened with another key', () => {
    const sealed = newBox().seal('community-string');
    expect(() => newBox().open(sealed)).toThrow();
  });

  it('refuses unknown envelope versions and garbage', () => {
    const box = newBox();
    const sealed = box.seal('x');
    expect(() => box.open(sealed.replace(/^v1:/, 'v2:'))).toThrow('unknown secret envelope');
    expect(() => box.open('plain text')).toThrow('unknown secret envelope');
    expect(() => box.open('v1:')).toThrow('unknown secret envelope');
  });

  it('requires a 32-byte key', () => {
    for (const length of [0, 16, 31, 33]) {
      expect(() => new SecretBox(randomBytes(length))).toThrow('secret key must be 32 bytes');
    }
  });

  describe('fromConfig', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'netwatch-secret-spec-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('uses the configured base64 key and writes no key file', () => {
      const key = randomBytes(32);
      const box = SecretBox.fromConfig(key.toString('base64'), join(dir, 'data'));
      expect(new SecretBox(key).open(box.seal('community'))).toBe('community');
      expect(existsSync(join(dir, 'data', 'secret.key'))).toBe(false);
    });

    it('refuses a configured key of the wrong length', () => {
      expect(() => SecretBox.fromConfig(randomBytes(16).toString('base64'), dir)).toThrow(
        'secret key must be 32 bytes',
      );
    });

    it('generates a key file once (mode 0600) in a new data folder and reuses it', () => {
      const dataDir = join(dir, 'nested', 'data');
      const first = SecretBox.fromConfig('', dataDir);
      const file = join(dataDir, 'secret.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const content = readFileSync(file, 'utf8');
      expect(Buffer.from(content.trim(), 'base64')).toHaveLength(32);

      const sealed = first.seal('community');
      const second = SecretBox.fromConfig('', dataDir);
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(second.open(sealed)).toBe('community');
      expect(new SecretBox(Buffer.from(content.trim(), 'base64')).open(sealed)).toBe('community');
    });

    it('gives different data folders different keys', () => {
      const a = SecretBox.fromConfig('', join(dir, 'a'));
      const b = SecretBox.fromConfig('', join(dir, 'b'));
      expect(() => b.open(a.seal('community'))).toThrow();
    });
  });
});

describe('SecretBox key rotation', () => {
  it('opens envelopes of a previous key, seals only with the current one, and says which is which', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey).seal('cộng đồng');
    const rotating = new SecretBox(newKey, [oldKey]);
    expect(rotating.open(sealedOld)).toBe('cộng đồng');
    expect(rotating.isCurrent(sealedOld)).toBe(false);
    const sealedNew = rotating.seal('cộng đồng');
    expect(rotating.isCurrent(sealedNew)).toBe(true);
    expect(() => new SecretBox(oldKey).open(sealedNew)).toThrow(/unknown key/);
    expect(() => new SecretBox(newKey).open(sealedOld)).toThrow(/unknown key/);
  });

  it('refuses a previous key of the wrong length', () => {
    expect(() => new SecretBox(randomBytes(32), [randomBytes(16)])).toThrow(
      'secret key must be 32 bytes',
    );
  });
});
