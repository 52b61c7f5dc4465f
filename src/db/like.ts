/** A LIKE pattern matching `text` anywhere, lower-cased, with LIKE's wildcards in it taken literally. */
export const likeContains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** A search typed as an invoice, quote or agreement number ("1024" or "#1024"), or null. */
export const asNumberSearch = (text: string): number | null => (/^#?\d{1,12}$/.test(text) ? Number(text.replace('#', '')) : null)
