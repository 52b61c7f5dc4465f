import { Body, Button, Column, Container, Head, Hr, Html, Img, Link, Preview, Row, Section, Text } from '@react-email/components'
import { render } from '@react-email/render'
import type { CSSProperties, ReactNode } from 'react'
import type { Block, EmailContent, Inline } from './email-content.ts'

// The HTML part of the one e-mail layout (email-content.ts holds its types, layout.tsx the text part).
// Loaded only when an e-mail's HTML is first drawn: React Email's package pulls in its Tailwind
// support, ~0.4 s of module loading that a server start, the CLI and every test process that
// sends no e-mail need not pay.

const font = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
const s = {
  body: { backgroundColor: '#f3f4f6', margin: 0, padding: '24px 0', fontFamily: font, color: '#1f2933' },
  container: { backgroundColor: '#ffffff', maxWidth: '600px', width: '100%', margin: '0 auto', borderRadius: '8px', border: '1px solid #e4e7eb' },
  header: { padding: '20px 24px', borderBottom: '3px solid #1d4ed8' },
  companyName: { fontSize: '20px', fontWeight: 700, margin: 0, lineHeight: '28px' },
  content: { padding: '8px 24px 16px' },
  p: { fontSize: '15px', lineHeight: '24px', margin: '12px 0' },
  note: { fontSize: '12px', lineHeight: '18px', color: '#52606d', margin: '12px 0' },
  button: { backgroundColor: '#1d4ed8', color: '#ffffff', borderRadius: '6px', padding: '12px 20px', fontSize: '15px', fontWeight: 600, textDecoration: 'none', display: 'inline-block' },
  box: { border: '1px solid #9aa5b1', borderRadius: '6px', padding: '4px 12px', margin: '12px 0' },
  label: { fontSize: '14px', color: '#52606d', padding: '4px 12px 4px 0', verticalAlign: 'top', width: '40%' },
  value: { fontSize: '14px', padding: '4px 0', verticalAlign: 'top' },
  footer: { padding: '0 24px 20px' },
  footerText: { fontSize: '12px', lineHeight: '18px', color: '#52606d', margin: '4px 0' },
  link: { color: '#1d4ed8', textDecoration: 'underline' },
} satisfies Record<string, CSSProperties>

const inline = (parts: Inline[]): ReactNode[] =>
  parts.map((part, i) =>
    typeof part === 'string' ? part : 'b' in part ? <strong key={i}>{part.b}</strong> : <Link key={i} href={part.href} style={s.link}>{part.a}</Link>,
  )

function BlockView({ block }: { block: Block }) {
  if ('p' in block) return <Text style={s.p}>{inline(block.p)}</Text>
  if ('note' in block) return <Text style={s.note}>{inline(block.note)}</Text>
  if ('button' in block)
    return (
      <Section style={{ margin: '16px 0' }}>
        <Button href={block.href} style={s.button}>{block.button}</Button>
      </Section>
    )
  if ('box' in block)
    return (
      <Section style={s.box}>
        <Text style={s.p}>
          {block.title ? <strong>{block.title}</strong> : null}
          {block.title ? <br /> : null}
          {block.box}
          {block.link ? <br /> : null}
          {block.link ? <Link href={block.link.href} style={s.link}>{block.link.a}</Link> : null}
        </Text>
      </Section>
    )
  if ('list' in block)
    return (
      <ul style={{ paddingLeft: '20px', margin: '12px 0' }}>
        {block.list.map((item, i) => <li key={i} style={{ ...s.p, margin: '6px 0' }}>{inline(item)}</li>)}
      </ul>
    )
  return (
    <Section style={{ margin: '12px 0' }}>
      {block.rows.map(([label, value], i) => (
        <Row key={i}>
          <Column style={s.label}>{label}</Column>
          <Column style={s.value}>{value}</Column>
        </Row>
      ))}
    </Section>
  )
}

/** The layout: company header (logo, name), the blocks, footer (company, address, phone, e-mail, links). */
export function EmailLayout({ content }: { content: EmailContent }) {
  const { brand } = content
  const contact = [brand.phone, brand.email].filter((v): v is string => Boolean(v))
  return (
    <Html lang="en">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <Preview>{content.preview}</Preview>
      <Body style={s.body}>
        <Container style={s.container}>
          <Section style={s.header} data-company-header="">
            {brand.logoUrl ? <Img src={brand.logoUrl} alt={brand.name} height="48" style={{ display: 'block', maxHeight: '48px', width: 'auto', marginBottom: '8px' }} /> : null}
            <Text style={s.companyName}>{brand.name}</Text>
          </Section>
          <Section style={s.content}>
            {content.blocks.map((block, i) => <BlockView key={i} block={block} />)}
          </Section>
          <Section style={s.footer}>
            <Hr style={{ borderColor: '#e4e7eb', margin: '0 0 12px' }} />
            <Text style={{ ...s.footerText, fontWeight: 600 }}>{brand.name}</Text>
            {brand.address.map((line, i) => <Text key={i} style={s.footerText}>{line}</Text>)}
            {contact.length ? <Text style={s.footerText}>{contact.join(' · ')}</Text> : null}
            {(content.footerLinks ?? []).map((l, i) => (
              <Text key={i} style={s.footerText}>
                <Link href={l.href} style={s.link}>{l.a}</Link>
              </Text>
            ))}
          </Section>
        </Container>
      </Body>
    </Html>
  )
}

/** The HTML part of an e-mail. */
export async function renderHtml(content: EmailContent): Promise<string> {
  return render(<EmailLayout content={content} />)
}
