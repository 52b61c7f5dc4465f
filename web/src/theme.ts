import { createTheme, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core'

/** Servicebook's blue; shade 6 (#1f5fbf) is the primary colour, white text on it has a 6:1 contrast. */
const brand: MantineColorsTuple = ['#e8f0fc', '#cfdcf5', '#9db8ea', '#6892df', '#3e73d0', '#2c66c7', '#1f5fbf', '#154ea6', '#0d4393', '#003a85']

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

/** The office app's and customer pages' look: one theme for both. */
export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: 6,
  colors: { brand },
  defaultRadius: 'md',
  fontFamily: FONT,
  headings: { fontFamily: FONT, fontWeight: '650', sizes: { h1: { fontSize: '1.6rem' }, h2: { fontSize: '1.2rem' }, h3: { fontSize: '1.05rem' } } },
  cursorType: 'pointer',
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } },
    Notification: { defaultProps: { withBorder: true } },
  },
})

/**
 * Contrast on white (axe's colour-contrast rule): Mantine draws coloured variants with shade 6, too light
 * for red, green, orange and yellow (the brand blue is dark enough): they use shade 9, as the background of
 * filled buttons and as the text of outline, subtle and light ones (badges, alerts); dimmed text is
 * #5b6576 (5.9:1) instead of Mantine's lighter grey. The axe check in the browser tests holds this.
 */
const TINTED = ['red', 'green', 'orange', 'yellow', 'teal', 'blue', 'grape'] as const
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5b6576',
    '--mantine-color-placeholder': '#6b7585',
    ...Object.fromEntries(
      TINTED.flatMap((c) => [
        [`--mantine-color-${c}-filled`, `var(--mantine-color-${c}-9)`],
        [`--mantine-color-${c}-filled-hover`, `var(--mantine-color-${c}-9)`],
        [`--mantine-color-${c}-outline`, `var(--mantine-color-${c}-9)`],
        [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`],
        [`--mantine-color-${c}-text`, `var(--mantine-color-${c}-9)`],
      ]),
    ),
    // Yellow's darkest shade (#e67700) is still 3:1 on white: its text and fills use a dark amber (6:1).
    ...Object.fromEntries(['filled', 'filled-hover', 'outline', 'light-color', 'text'].map((v) => [`--mantine-color-yellow-${v}`, '#8a5300'])),
  },
  dark: {},
})
