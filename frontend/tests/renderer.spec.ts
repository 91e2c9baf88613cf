import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import FormRenderer from '../src/components/FormRenderer.vue'
import vi_ from '../src/i18n/vi'
import en from '../src/i18n/en'
import type { Field } from '../src/forms/types'

const i18n = () => createI18n({ legacy: false, locale: 'vi', messages: { vi: vi_, en } })
const fields: Field[] = [
  { name: 'full_name', type: 'text', label: { vi: 'Họ tên', en: 'Full name' }, required: true, help: { vi: 'Như trên thẻ' } },
  { name: 'kind', type: 'radio', label: { vi: 'Loại' }, options: [{ value: 'a', label: { vi: 'Một' } }, { value: 'b', label: { vi: 'Hai' } }] },
  { name: 'reason', type: 'textarea', label: { vi: 'Lý do' }, visible_if: { field: 'kind', equals: 'b' } },
  { name: 'agree', type: 'checkbox', label: { vi: 'Cam đoan' }, required: true },
  { name: 'children', type: 'group', label: { vi: 'Con' }, repeat: true, fields: [{ name: 'name', type: 'text', label: { vi: 'Tên' } }] },
]

function render(modelValue: Record<string, unknown>, errors: Record<string, string[]> = {}) {
  return mount(FormRenderer, { props: { fields, modelValue, errors }, global: { plugins: [i18n()] } })
}

describe('FormRenderer', () => {
  it('renders labelled inputs with help, and hides fields whose condition does not hold', () => {
    const wrapper = render({ kind: 'a' })
    const input = wrapper.get('#f-full_name')
    expect(wrapper.get('label[for=f-full_name]').text()).toContain('Họ tên')
    expect(input.attributes('aria-describedby')).toBe('f-full_name-help')
    expect(wrapper.find('#f-reason').exists()).toBe(false)
    expect(render({ kind: 'b' }).find('#f-reason').exists()).toBe(true)
  })

  it('shows errors at their field and marks the input invalid', () => {
    const wrapper = render({}, { full_name: ['Trường này là bắt buộc.'], 'children.0.name': ['Sai'] })
    const input = wrapper.get('#f-full_name')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(input.attributes('aria-describedby')).toContain('f-full_name-err')
    expect(wrapper.get('#f-full_name-err').text()).toBe('Trường này là bắt buộc.')
  })

  it('emits the new value of a field, and whole lists for repeated groups', async () => {
    const wrapper = render({ children: [{ name: 'An' }] })
    await wrapper.get('#f-full_name').setValue('Bình')
    await wrapper.get('#f-agree').setValue(true)
    await wrapper.get('#f-children-0-name').setValue('Chi')
    const buttons = wrapper.findAll('button')
    await buttons.find((b) => b.text() === 'Thêm mục')!.trigger('click')
    const events = wrapper.emitted('update')!
    expect(events[0]).toEqual(['full_name', 'Bình'])
    expect(events[1]).toEqual(['agree', true])
    expect(events[2]).toEqual(['children', [{ name: 'Chi' }]])
    expect(events[3]).toEqual(['children', [{ name: 'An' }, {}]])
  })

  it('loads provinces for an address field', async () => {
    const fetchMock = vi.fn((_url: string) =>
      Promise.resolve(new Response(JSON.stringify([{ code: '56', name: 'Khánh Hòa' }]), { headers: { 'Content-Type': 'application/json' } })),
    )
    vi.stubGlobal('fetch', fetchMock)
    const wrapper = mount(FormRenderer, {
      props: { fields: [{ name: 'home', type: 'address', label: { vi: 'Địa chỉ' } }], modelValue: {}, errors: {} },
      global: { plugins: [i18n()] },
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/admin-units/provinces')
    expect(wrapper.get('#f-home-province').text()).toContain('Khánh Hòa')
    vi.unstubAllGlobals()
  })
})
