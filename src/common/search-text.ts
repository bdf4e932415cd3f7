/**
 * Folds text for searching: lower case, Vietnamese diacritics removed (`Bảo Lộc` → `bao loc`),
 * `đ` → `d` (NFD does not decompose it), whitespace collapsed. Stored per row and applied to the
 * query, so the search works the same on any PostgreSQL, with or without the `unaccent` extension.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a user's `%` or `_` matches literally. */
export function likePattern(query: string): string {
  return `%${foldForSearch(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
