import { PayloadTooLargeError, ValidationError } from '../../common/errors';
import { decodeImportFile, firstInvalidUtf8 } from './decode';

const bytes = (...values: number[]) => Buffer.from(values);
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const cat = (...parts: Buffer[]) => Buffer.concat(parts);

/** What decodeImportFile throws, for assertions on its class and details. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}

describe('firstInvalidUtf8', () => {
  it('accepts empty input, ASCII and Vietnamese text (2- and 3-byte sequences)', () => {
    expect(firstInvalidUtf8(bytes())).toBe(-1);
    expect(firstInvalidUtf8(utf8('code,kind,name\nLD,province,Lam Dong\n'))).toBe(-1);
    const vietnamese = utf8('Tỉnh Lâm Đồng; Phường Đà Lạt; Sở Thông tin và Truyền thông; Ủy ban');
    expect(vietnamese.some((b) => b >= 0xe0)).toBe(true); // some 3-byte sequences (ỉ, ồ, ờ, ạ)
    expect(vietnamese.some((b) => b >= 0xc2 && b <= 0xdf)).toBe(true); // and 2-byte ones (â, Đ)
    expect(firstInvalidUtf8(vietnamese)).toBe(-1);
  });

  it('accepts 4-byte sequences and the edges of every sequence length', () => {
    expect(firstInvalidUtf8(utf8('mạng 🌐 ổn định'))).toBe(-1);
    for (const cp of [
      0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff,
    ]) {
      expect({ cp, at: firstInvalidUtf8(utf8(String.fromCodePoint(cp))) }).toEqual({ cp, at: -1 });
    }
  });

  it.each([
    ['C0 AF: overlong "/"', [0xc0, 0xaf]],
    ['C1 BF: overlong 2-byte', [0xc1, 0xbf]],
    ['E0 80 AF: overlong 3-byte "/"', [0xe0, 0x80, 0xaf]],
    ['E0 9F BF: overlong U+07FF', [0xe0, 0x9f, 0xbf]],
    ['F0 80 80 AF: overlong 4-byte "/"', [0xf0, 0x80, 0x80, 0xaf]],
    ['F0 8F BF BF: overlong U+FFFF', [0xf0, 0x8f, 0xbf, 0xbf]],
  ])('refuses the overlong encoding %s', (_label, sequence) => {
    expect(firstInvalidUtf8(cat(utf8('Đà Lạt '), bytes(...sequence), utf8(' ok')))).toBe(
      utf8('Đà Lạt ').length,
    );
  });

  it.each([
    ['ED A0 80 (U+D800, high surrogate)', [0xed, 0xa0, 0x80]],
    ['ED BF BF (U+DFFF, low surrogate)', [0xed, 0xbf, 0xbf]],
    ['ED A0 BD ED B8 80 (CESU-8 pair)', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
  ])('refuses the encoded surrogate %s', (_label, sequence) => {
    expect(firstInvalidUtf8(cat(utf8('ab'), bytes(...sequence)))).toBe(2);
  });

  it('refuses code points above U+10FFFF and bytes that never occur in UTF-8', () => {
    expect(firstInvalidUtf8(bytes(0x61, 0xf4, 0x90, 0x80, 0x80))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xf5, 0x80, 0x80, 0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0xfe))).toBe(2);
    expect(firstInvalidUtf8(bytes(0xff))).toBe(0);
  });

  it('refuses a continuation byte without a lead byte, and a lead byte without continuation', () => {
    expect(firstInvalidUtf8(bytes(0x61, 0x80, 0x62))).toBe(1);
    expect(firstInvalidUtf8(cat(utf8('Phường'), bytes(0xbf)))).toBe(utf8('Phường').length);
    // "ạ" is E1 BA A1; its lead byte followed by ASCII is an error at the lead byte
    expect(firstInvalidUtf8(cat(utf8('L'), bytes(0xe1, 0xba), utf8('t')))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xc3, 0x28))).toBe(0);
  });

  it.each([
    ['a 2-byte sequence cut after its lead byte', [0xc3]],
    ['a 3-byte sequence cut after one byte', [0xe1]],
    ['a 3-byte sequence cut after two bytes', [0xe1, 0xbb]],
    ['a 4-byte sequence cut after three bytes', [0xf0, 0x9f, 0x8c]],
  ])('refuses %s at the end of the input', (_label, tail) => {
    const head = utf8('Tỉnh Lâm Đồng');
    expect(firstInvalidUtf8(cat(head, bytes(...tail)))).toBe(head.length);
  });

  it('reports the first bad byte when there are several', () => {
    expect(firstInvalidUtf8(cat(utf8('Đà'), bytes(0xe0), utf8('x'), bytes(0xff)))).toBe(4);
  });

  it('agrees with a strict UTF-8 decoder on 3,000 pseudo-random byte strings', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    let seed = 20251128;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    // Bytes from the interesting ranges: ASCII, continuation, lead bytes, and the invalid ones.
    const pool = [0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1];
    pool.push(0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff);
    let valid = 0;
    for (let n = 0; n < 3000; n++) {
      const sample = Buffer.from(
        Array.from({ length: 1 + (next() % 6) }, () => pool[next() % pool.length]),
      );
      let decodes = true;
      try {
        strict.decode(sample);
      } catch {
        decodes = false;
      }
      if (decodes) valid++;
      expect({ sample: sample.toString('hex'), valid: firstInvalidUtf8(sample) === -1 }).toEqual({
        sample: sample.toString('hex'),
        valid: decodes,
      });
    }
    expect(valid).toBeGreaterThan(100); // the sample is not all invalid
  });
});

describe('decodeImportFile', () => {
  const LIMIT = 1_000_000;

  it('returns the text of a UTF-8 buffer or string unchanged', () => {
    const text = 'code,kind,name\nLD,province,Tỉnh Lâm Đồng\n';
    expect(decodeImportFile('units.csv', utf8(text), LIMIT)).toBe(text);
    expect(decodeImportFile('units.csv', text, LIMIT)).toBe(text);
  });

  it('strips a leading byte order mark, and only a leading one', () => {
    expect(decodeImportFile('units.csv', cat(bytes(0xef, 0xbb, 0xbf), utf8('code\n')), LIMIT)).toBe(
      'code\n',
    );
    expect(decodeImportFile('units.csv', '\ufeffcode\n', LIMIT)).toBe('code\n');
    expect(decodeImportFile('units.csv', 'code\ufeff\n', LIMIT)).toBe('code\ufeff\n');
  });

  it('refuses Windows-1258 bytes with the file, line and column of the first bad byte', () => {
    // "Đà Lạt" in Windows-1258: Đ = D0, à = E0, ạ = a + combining dot below (F2)
    const cp1258 = bytes(0xd0, 0xe0, 0x20, 0x4c, 0x61, 0xf2, 0x74);
    const content = cat(utf8('code,kind,name\nLD,province,Lam Dong\nH-DL,district,TP '), cp1258);
    const err = thrown(() => decodeImportFile('units.csv', content, LIMIT));
    expect(err).toBeInstanceOf(ValidationError);
    const { message, details } = err as ValidationError;
    expect(message).toBe('units.csv is not UTF-8');
    expect(details).toEqual([
      {
        file: 'units.csv',
        line: 3,
        field: '(file)',
        message: 'byte 0xd0 at line 3, column 18 is not valid UTF-8; save the file as UTF-8',
      },
    ]);
  });

  it('counts lines the same way with CRLF line ends, and reports a bad first byte at 1:1', () => {
    const crlf = cat(utf8('version: 1\r\nunits:\r\n  - name: '), bytes(0xe0), utf8('\r\n'));
    expect(
      (thrown(() => decodeImportFile('a.yaml', crlf, LIMIT)) as ValidationError).details[0],
    ).toMatchObject({
      line: 3,
      message: expect.stringContaining('byte 0xe0 at line 3, column 11'),
    });
    expect(
      (thrown(() => decodeImportFile('a.yaml', bytes(0xff, 0x0a), LIMIT)) as ValidationError)
        .details[0],
    ).toMatchObject({
      line: 1,
      message: expect.stringContaining('byte 0xff at line 1, column 1'),
    });
  });

  it('refuses a sequence truncated at the very end of the file', () => {
    const err = thrown(() =>
      decodeImportFile('units.csv', cat(utf8('a\nb\nTỉnh'), bytes(0xe1, 0xbb)), LIMIT),
    );
    expect((err as ValidationError).details[0]).toMatchObject({ file: 'units.csv', line: 3 });
  });

  it('measures the size limit in bytes, before decoding', () => {
    expect(decodeImportFile('units.csv', 'x'.repeat(10), 10)).toBe('x'.repeat(10));
    const over = thrown(() => decodeImportFile('units.csv', 'x'.repeat(11), 10));
    expect(over).toBeInstanceOf(PayloadTooLargeError);
    expect((over as PayloadTooLargeError).details).toEqual([
      {
        file: 'units.csv',
        line: undefined,
        field: '(file)',
        message: 'units.csv has 11 bytes; the limit is 10 (inventory.importMaxBytes)',
      },
    ]);
    // 6 characters, 12 bytes
    expect(thrown(() => decodeImportFile('units.csv', 'ĐĐĐĐĐĐ', 10))).toBeInstanceOf(
      PayloadTooLargeError,
    );
    // too large wins over not UTF-8: the bytes are not even looked at
    expect(thrown(() => decodeImportFile('units.csv', bytes(0xff, 0xff, 0xff), 2))).toBeInstanceOf(
      PayloadTooLargeError,
    );
  });
});
