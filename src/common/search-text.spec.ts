import { foldForSearch, likePattern } from './search-text';

describe('foldForSearch', () => {
  it.each([
    ['Thành phố Bảo Lộc', 'thanh pho bao loc'],
    ['Đà Lạt', 'da lat'],
    ['đường Trần Hưng Đạo', 'duong tran hung dao'],
    ['ĐẮK NÔNG', 'dak nong'],
    ['Sở Thông tin và Truyền thông', 'so thong tin va truyen thong'],
    ['Trường Đại học Đà Lạt', 'truong dai hoc da lat'],
    ['Ủy ban nhân dân tỉnh', 'uy ban nhan dan tinh'],
    ['Huyện Đạ Huoai', 'huyen da huoai'],
    ['Nghĩa Hiệp, Ỷ Lan', 'nghia hiep, y lan'],
    ['ơ Ơ ư Ư ă Ă â Â ê Ê ô Ô', 'o o u u a a a a e e o o'],
  ])('folds %s to %s', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  it('folds precomposed and decomposed spellings alike', () => {
    const precomposed = 'L\u1ed9c';
    const decomposed = 'Lo\u0323\u0302c';
    expect(decomposed).not.toBe(precomposed);
    expect(foldForSearch(decomposed)).toBe('loc');
    expect(foldForSearch(precomposed)).toBe('loc');
  });

  it('collapses and trims whitespace', () => {
    expect(foldForSearch('  Bảo \t Lộc\n\nLâm   Đồng  ')).toBe('bao loc lam dong');
  });

  it('keeps digits, punctuation and ASCII as they are (lower case)', () => {
    expect(foldForSearch('TTHC-Core-RT01 198.51.100.1/24 100%')).toBe(
      'tthc-core-rt01 198.51.100.1/24 100%',
    );
    expect(foldForSearch('')).toBe('');
  });
});

describe('likePattern', () => {
  it('folds the query and wraps it for a contains match', () => {
    expect(likePattern('Bảo Lộc')).toBe('%bao loc%');
    expect(likePattern('  ĐÀ   LẠT ')).toBe('%da lat%');
  });

  it('escapes LIKE wildcards and the escape character so they match literally', () => {
    expect(likePattern('100%')).toBe('%100\\%%');
    expect(likePattern('vlan_10')).toBe('%vlan\\_10%');
    expect(likePattern('a\\b')).toBe('%a\\\\b%');
    expect(likePattern('%_\\')).toBe('%\\%\\_\\\\%');
  });

  it('escapes after folding, so diacritics never hide a wildcard', () => {
    expect(likePattern('Đ_%')).toBe('%d\\_\\%%');
  });
});
