import {
  compareBodies,
  isTextual,
  normalizeContentType,
  normalizeLocation,
  stripVolatile,
  tokenize,
  tokenSimilarity,
} from '../../../probes/ipv6/content';

const html = (body: string) => ({ body: Buffer.from(body), contentType: 'text/html' });

describe('stripVolatile', () => {
  // Each pair differs only in one volatile part: stripped, the two must be identical, while the
  // raw texts differ (so the rule, not chance, makes them equal).
  it.each([
    ['HTML comment', '<p>a</p><!-- built 0.031s -->', '<p>a</p><!-- built 0.447s -->'],
    ['nonce', '<script nonce="r4nd0m1">x()</script>', "<script nonce='Zz9'>x()</script>"],
    [
      'CSRF hidden field',
      '<input type="hidden" name="_token" value="aaa">',
      '<input type="hidden" name="_token" value="bbb">',
    ],
    [
      'ASP.NET view state',
      '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1">',
      '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTQ2">',
    ],
    [
      'CSRF meta tag',
      '<meta name="csrf-token" content="abc">',
      '<meta name="csrf-token" content="xyz">',
    ],
    ['jsessionid', '<a href="/a;jsessionid=ABC123">', '<a href="/a;jsessionid=DEF456">'],
    ['PHPSESSID', '<a href="/a?PHPSESSID=abc&amp;p=1">', '<a href="/a?PHPSESSID=xyz&amp;p=1">'],
    ['sid parameter', '/x?sid=1a2b', '/x?sid=9z8y'],
    ['ISO 8601', 'at 2025-01-31T12:34:56.123+07:00.', 'at 2025-02-01T00:00:01Z.'],
    ['HTTP date', 'Fri, 31 Jan 2025 12:34:56 GMT', 'Sat, 01 Feb 2025 00:00:01 GMT'],
    ['d/m/yyyy with time', 'Cập nhật 31/01/2025 08:15', 'Cập nhật 1/2/2025 17:45'],
    ['clock time', 'lúc 08:15:02', 'lúc 23:59:59'],
    ['epoch seconds', 'v=1738300000', 'v=1738399999'],
    ['epoch milliseconds', '_=1738300000123', '_=1738300999999'],
    [
      'UUID',
      'req 123e4567-e89b-12d3-a456-426614174000',
      'req 9f8e7d6c-5b4a-3210-fedc-ba9876543210',
    ],
    [
      'long random token',
      'var k = "a8F3kLq0ZxV7bN2mW8cR4tY6uI1oP5sD";',
      'var k = "Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXc";',
    ],
  ])('%s', (_rule, one, two) => {
    expect(one).not.toBe(two);
    expect(stripVolatile(one)).toBe(stripVolatile(two));
  });

  it('keeps what people read', () => {
    const text = '<h1>Sở Thông tin và Truyền thông</h1> <p>Điện thoại: 0263 3822 000</p>';
    expect(stripVolatile(text)).toBe(text);
    expect(stripVolatile('<input name="q" value="ipv6">')).toContain('value="ipv6"');
  });

  it('treats composed and decomposed Vietnamese the same', () => {
    const composed = 'Lâm Đồng';
    expect(stripVolatile(composed.normalize('NFD'))).toBe(composed);
  });
});

describe('token similarity', () => {
  it('is multiset Jaccard over word tokens', () => {
    expect(tokenize('Tin tức, <b>tin</b>!')).toEqual(['Tin', 'tức', 'b', 'tin', 'b']);
    expect(tokenSimilarity(['a', 'a', 'b'], ['a', 'b'])).toBeCloseTo(2 / 3);
    expect(tokenSimilarity(['a'], ['b'])).toBe(0);
    expect(tokenSimilarity([], [])).toBe(1);
    expect(tokenSimilarity(['a'], [])).toBe(0);
  });

  it('decides equality with the threshold', () => {
    const words = Array.from({ length: 95 }, (_, i) => `w${i}`).join(' ');
    const r = compareBodies(html(`${words} a b c d e`), html(`${words} f g h i j`), 0.9);
    // 95 shared of 105 distinct tokens
    expect(r).toMatchObject({ method: 'text', equal: true });
    expect(r.similarity).toBeCloseTo(95 / 105, 3);
    expect(compareBodies(html('x y'), html('x z'), 0.9)).toMatchObject({
      similarity: 0.333,
      equal: false,
    });
  });

  it('compares binary bodies by digest', () => {
    const png = { body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]), contentType: 'image/png' };
    expect(compareBodies(png, png, 0.9)).toEqual({
      method: 'binary',
      similarity: 1,
      equal: true,
      threshold: 0.9,
    });
    const other = { ...png, body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 2]) };
    expect(compareBodies(png, other, 0.9)).toMatchObject({ similarity: 0, equal: false });
  });

  it('knows text types and normalises content-type', () => {
    expect(isTextual('application/json', Buffer.from('{}'))).toBe(true);
    expect(isTextual('image/svg+xml', Buffer.from('<svg/>'))).toBe(true);
    expect(isTextual('application/octet-stream', Buffer.from('x'))).toBe(false);
    expect(isTextual('', Buffer.from([0x41, 0, 0x42]))).toBe(false);
    expect(normalizeContentType('Text/HTML; Charset="UTF-8"')).toBe('text/html;charset=utf-8');
  });
});

describe('normalizeLocation', () => {
  it('resolves relative targets and strips session ids', () => {
    const base = 'http://www.lamdong.test/';
    expect(normalizeLocation('/a;jsessionid=1', base)).toBe(
      normalizeLocation('http://www.lamdong.test/a;jsessionid=2', base),
    );
    expect(normalizeLocation('https://other.test/', base)).toBe('https://other.test/');
    expect(normalizeLocation(undefined, base)).toBeNull();
  });
});
