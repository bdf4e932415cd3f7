import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';

/**
 * Encrypts secrets at rest (SNMP communities and v3 keys) with AES-256-GCM. The envelope is
 * `v1:<base64(iv | tag | ciphertext)>`; the version prefix leaves room for key rotation.
 */
export class SecretBox {
  /**
   * `previousKeys` only open: during a key rotation, secrets sealed with an old key stay
   * readable until `netwatch secrets rotate` has sealed them again with `key`.
   */
  constructor(
    private readonly key: Buffer,
    private readonly previousKeys: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...previousKeys])
      if (k.length !== 32) throw new Error('secret key must be 32 bytes');
  }

  /** The configured key, or one generated once into <dataDir>/secret.key (mode 0600). */
  static fromConfig(
    configuredKey: string,
    dataDir: string,
    previousKeys: readonly string[] = [],
  ): SecretBox {
    const previous = previousKeys.map((k) => Buffer.from(k, 'base64'));
    if (configuredKey) return new SecretBox(Buffer.from(configuredKey, 'base64'), previous);
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    }
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), previous);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Opens an envelope sealed with the current key or, during a rotation, a previous one. */
  open(envelope: string): string {
    return this.openWith(envelope).plain;
  }

  /** Whether the envelope is sealed with the current key (rotation skips those). */
  isCurrent(envelope: string): boolean {
    return this.openWith(envelope).current;
  }

  private openWith(envelope: string): { plain: string; current: boolean } {
    const [version, payload] = envelope.split(':', 2);
    if (version !== VERSION || !payload) throw new Error('unknown secret envelope');
    const raw = Buffer.from(payload, 'base64');
    for (const [i, key] of [this.key, ...this.previousKeys].entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        return { plain: plain.toString('utf8'), current: i === 0 };
      } catch {
        // Not this key (GCM authentication failed): try the next one.
      }
    }
    throw new Error('secret sealed with an unknown key (is secrets.key the right one?)');
  }
}
