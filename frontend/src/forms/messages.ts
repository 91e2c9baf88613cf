// The server's validation messages (backend/catalog/forms.py MESSAGES and
// backend/accounts/validators.py MESSAGES), word for word, so that client-side checks say
// exactly what the server would say.
export const FORM_MESSAGES: Record<string, { vi: string; en: string }> = {
  'form.required': { vi: 'Trường này là bắt buộc.', en: 'This field is required.' },
  'form.unknown_field': {
    vi: 'Trường này không có trong biểu mẫu.',
    en: 'This field is not part of the form.',
  },
  'form.text': { vi: 'Giá trị phải là chuỗi ký tự.', en: 'Must be text.' },
  'form.control_characters': {
    vi: 'Giá trị chứa ký tự điều khiển không được phép.',
    en: 'Contains control characters that are not allowed.',
  },
  'form.min_length': { vi: 'Cần ít nhất {min} ký tự.', en: 'At least {min} characters.' },
  'form.max_length': { vi: 'Tối đa {max} ký tự.', en: 'At most {max} characters.' },
  'form.pattern': { vi: 'Giá trị không đúng định dạng.', en: 'Invalid format.' },
  'form.number': { vi: 'Giá trị phải là một số.', en: 'Must be a number.' },
  'form.integer': { vi: 'Giá trị phải là số nguyên.', en: 'Must be a whole number.' },
  'form.min': {
    vi: 'Giá trị phải lớn hơn hoặc bằng {min}.',
    en: 'Must be greater than or equal to {min}.',
  },
  'form.max': {
    vi: 'Giá trị phải nhỏ hơn hoặc bằng {max}.',
    en: 'Must be less than or equal to {max}.',
  },
  'form.date': {
    vi: 'Ngày không hợp lệ (định dạng YYYY-MM-DD).',
    en: 'Invalid date (format YYYY-MM-DD).',
  },
  'form.date_min': { vi: 'Ngày không được trước {min_vi}.', en: 'The date must be on or after {min}.' },
  'form.date_max': { vi: 'Ngày không được sau {max_vi}.', en: 'The date must be on or before {max}.' },
  'form.choice': { vi: 'Lựa chọn không hợp lệ.', en: 'Not one of the available options.' },
  'form.duplicate_choice': {
    vi: 'Một lựa chọn bị chọn nhiều lần.',
    en: 'An option is chosen more than once.',
  },
  'form.boolean': { vi: 'Giá trị phải là đúng hoặc sai.', en: 'Must be true or false.' },
  'form.must_accept': {
    vi: 'Bạn cần đánh dấu xác nhận mục này.',
    en: 'You must tick this box to continue.',
  },
  'form.list': { vi: 'Giá trị phải là một danh sách.', en: 'Must be a list.' },
  'form.object': { vi: 'Giá trị phải là một đối tượng.', en: 'Must be an object.' },
  'form.min_items': { vi: 'Cần ít nhất {min} mục.', en: 'At least {min} item(s).' },
  'form.max_items': { vi: 'Tối đa {max} mục.', en: 'At most {max} item(s).' },
  'form.email': { vi: 'Địa chỉ thư điện tử không hợp lệ.', en: 'Invalid e-mail address.' },
  'form.province_unknown': { vi: 'Tỉnh, thành phố không hợp lệ.', en: 'Unknown province or city.' },
  'form.ward_unknown': { vi: 'Phường, xã, đặc khu không hợp lệ.', en: 'Unknown ward or commune.' },
  'form.ward_not_in_province': {
    vi: 'Phường, xã, đặc khu không thuộc tỉnh, thành phố đã chọn.',
    en: 'The ward or commune is not in the chosen province or city.',
  },
  'personal_id.format': {
    vi: 'Số định danh cá nhân phải gồm đúng 12 chữ số.',
    en: 'The personal ID number must have exactly 12 digits.',
  },
  'personal_id.province': {
    vi: 'Ba chữ số đầu của số định danh cá nhân không phải là mã tỉnh, thành phố hợp lệ.',
    en: 'The first three digits of the personal ID number are not a valid province code.',
  },
  'phone.invalid': {
    vi:
      'Số điện thoại di động không hợp lệ. Vui lòng nhập số di động Việt Nam ' +
      'gồm 10 chữ số, ví dụ 0912345678 hoặc +84912345678.',
    en:
      'Invalid mobile phone number. Enter a 10-digit Vietnamese mobile number, ' +
      'e.g. 0912345678 or +84912345678.',
  },
  'password.too_short': {
    vi: 'Mật khẩu phải có ít nhất 10 ký tự.',
    en: 'The password must be at least 10 characters long.',
  },
}

export function formatMessage(
  key: string,
  params: Record<string, string | number> | undefined,
  lang: string,
): string {
  const entry = FORM_MESSAGES[key]
  const template = entry ? (lang === 'en' ? entry.en : entry.vi) : key
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    params && params[name] !== undefined ? String(params[name]) : `{${name}}`,
  )
}
