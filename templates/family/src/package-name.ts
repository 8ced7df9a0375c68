/** The npm name catalog entries report as their package. */
export const PACKAGE = '@zoo/__family__';
