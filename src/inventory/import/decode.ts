import { PayloadTooLargeError, ValidationError } from '../../common/errors';
import { fileProblem } from './records';

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need >= bytes.length) return i; // truncated sequence at the end
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Import files must be UTF-8 (Vietnamese names). A file in another encoding (Windows-1258,
 * say) is refused with the line and column of the first bad byte instead of being stored garbled.
 */
export function decodeImportFile(name: string, content: Buffer | string, maxBytes: number): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`${name} is too large`, [
      fileProblem(
        name,
        undefined,
        `${name} has ${bytes.length} bytes; the limit is ${maxBytes} (inventory.importMaxBytes)`,
      ),
    ]);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const before = bytes.subarray(0, bad);
    const line = before.filter((c) => c === 0x0a).length + 1;
    // Characters, not bytes: everything before the bad byte is valid UTF-8.
    const column = before.subarray(before.lastIndexOf(0x0a) + 1).toString('utf8').length + 1;
    throw new ValidationError(`${name} is not UTF-8`, [
      fileProblem(
        name,
        line,
        `byte 0x${bytes[bad].toString(16).padStart(2, '0')} at line ${line}, column ${column} is not valid UTF-8; save the file as UTF-8`,
      ),
    ]);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
