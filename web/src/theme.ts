import { createTheme, defaultVariantColorsResolver, type CSSVariablesResolver, type MantineColorsTuple, type VariantColorsResolver } from '@mantine/core'

/** Servicebook's blue; shade 6 (#1f5fbf) is the primary colour, white text on it has a 6:1 contrast. */
const brand: MantineColorsTuple = ['#e8f0fc', '#cfdcf5', '#9db8ea', '#6892df', '#3e73d0', '#2c66c7', '#1f5fbf', '#154ea6', '#0d4393', '#003a85']

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

/**
 * Light variants (badges, alerts, the current navigation item) draw their text in shade 8 of their colour
 * instead of Mantine's shade 6, so every tint keeps at least 4.5:1 contrast (axe's colour-contrast rule).
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input)
  const color = input.color && input.color in input.theme.colors ? input.color : input.theme.primaryColor
  if (input.variant !== 'light' || color === 'gray' || color === 'dark') return colors
  return { ...colors, color: `var(--mantine-color-${color}-9)`, hoverColor: `var(--mantine-color-${color}-9)` }
}

/** The office app's and customer pages' look: one theme for both. */
export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: 6,
  colors: { brand },
  defaultRadius: 'md',
  fontFamily: FONT,
  headings: { fontFamily: FONT, fontWeight: '650', sizes: { h1: { fontSize: '1.6rem' }, h2: { fontSize: '1.2rem' }, h3: { fontSize: '1.05rem' } } },
  cursorType: 'pointer',
  variantColorResolver,
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } },
    Notification: { defaultProps: { withBorder: true } },
  },
})

/** Dimmed text (hints, "No … yet") at 5.9:1 instead of Mantine's lighter grey, which fails contrast. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5b6576', '--mantine-color-placeholder': '#6b7585' },
  dark: {},
})
