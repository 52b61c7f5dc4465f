import { Combobox, Text, TextInput, useCombobox } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import { SEARCH_KINDS, type SearchDto, type SearchHit, type SearchKind } from '../../src/contracts/search.ts'
import { INVOICE_STATUS_LABELS } from './pages/billing-invoices.tsx'
import { useApiQuery } from './query.ts'
import { AGREEMENT_STATUS_LABELS, QUOTE_STATUS_LABELS } from './quote-strings.ts'
import { navigate, withQuery } from './router.tsx'

const KINDS: Record<SearchKind, { label: string; status: Record<string, string> }> = {
  customers: { label: 'Customers', status: {} },
  agreements: { label: 'Agreements', status: AGREEMENT_STATUS_LABELS },
  invoices: { label: 'Invoices', status: INVOICE_STATUS_LABELS },
  quotes: { label: 'Quotes', status: QUOTE_STATUS_LABELS },
}

const detailOf = (kind: SearchKind, h: SearchHit) => [h.detail, h.status ? (KINDS[kind].status[h.status] ?? h.status) : ''].filter(Boolean).join(' · ')

/**
 * The header's search box: customers, agreements, invoices and quotes by name, number, e-mail, phone
 * or address (`GET /api/search`), as you type. Arrow keys move through the results, Enter opens one,
 * Escape closes the list; "/" anywhere else puts the cursor in the box.
 */
export function GlobalSearch() {
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() })
  const input = useRef<HTMLInputElement>(null)
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 200)
    return () => clearTimeout(timer)
  }, [text])
  const { data, isFetching, error } = useApiQuery<SearchDto>(q ? withQuery('/api/search', { q }) : null, { staleTime: 30_000 })
  const results = q && data?.q === q ? data : null
  const groups = SEARCH_KINDS.map((kind) => ({ kind, hits: results?.[kind] ?? [] })).filter((g) => g.hits.length > 0)
  // New results: the first is the one Enter opens.
  useEffect(() => {
    if (results) combobox.selectFirstOption()
  }, [results]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const slash = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || t?.closest('input, textarea, select, [contenteditable="true"]')) return
      e.preventDefault()
      input.current?.focus()
    }
    window.addEventListener('keydown', slash)
    return () => window.removeEventListener('keydown', slash)
  }, [])
  const open = (link: string) => {
    combobox.closeDropdown()
    setText('')
    setQ('')
    input.current?.blur()
    navigate(link)
  }
  return (
    <Combobox store={combobox} onOptionSubmit={open} position="bottom-start" width="min(28rem, calc(100vw - 16px))" shadow="md" withinPortal>
      <Combobox.Target withExpandedAttribute>
        <TextInput
          ref={input}
          type="search"
          aria-label="Search customers, agreements, invoices and quotes"
          placeholder="Search…"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value)
            combobox.openDropdown()
          }}
          onFocus={() => text.trim() && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(e) => e.key === 'Escape' && combobox.closeDropdown()}
          miw={0}
          style={{ flex: '1 1 12rem', maxWidth: '28rem' }}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!text.trim()}>
        <Combobox.Options aria-label="Search results" mah="min(70dvh, 32rem)" style={{ overflowY: 'auto' }}>
          {groups.length === 0 ? (
            <Combobox.Empty>{error ? error.message : isFetching || !results ? 'Searching…' : `Nothing matches “${q}”.`}</Combobox.Empty>
          ) : (
            groups.map((g) => (
              <Combobox.Group key={g.kind} label={KINDS[g.kind].label}>
                {g.hits.map((h) => (
                  <Combobox.Option key={h.link} value={h.link}>
                    <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                      {h.title}
                    </Text>
                    <Text size="xs" className="search-detail" style={{ overflowWrap: 'anywhere' }}>
                      {detailOf(g.kind, h)}
                    </Text>
                  </Combobox.Option>
                ))}
              </Combobox.Group>
            ))
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  )
}
