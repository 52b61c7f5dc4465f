/**
 * The Hosted iFrame Tokenizer page (`/itoke/ajax-tokenizer.html`), as the vendor's behaves:
 * the parent page embeds it in an iframe and listens for `message` events whose `event.data`
 * is a JSON string; the token is in `message` (or `tokenpropname`), with `expiry` when
 * `useexpiry=true` and `token`/`errorCode`/`errorMessage` when `enhancedresponse=true`.
 * Tokenizes on blur, or after `inactivityto` ms without input with `tokenizewheninactive=true`.
 * ACH is typed as `routing/account` in the card field.
 * [doc: CP-REPO HostediFrameTokenizer.md; external-apis.md A14]
 *
 * NOTE: the vendor does not document the `expiry` format; the sandbox sends YYYYMM, which the
 * gateway accepts as an `expiry` as is.
 */

// Whitelisted CSS properties (a subset of the vendor's list); others are dropped, as the vendor does.
const ALLOWED_CSS = [
  'background', 'background-color', 'border', 'border-bottom', 'border-color', 'border-radius', 'border-style',
  'border-width', 'box-shadow', 'box-sizing', 'color', 'display', 'font', 'font-family', 'font-size', 'font-style',
  'font-weight', 'height', 'letter-spacing', 'line-height', 'margin', 'margin-bottom', 'margin-left', 'margin-right',
  'margin-top', 'max-width', 'min-width', 'outline', 'padding', 'padding-bottom', 'padding-left', 'padding-right',
  'padding-top', 'text-align', 'text-transform', 'width',
]

const SCRIPT = String.raw`
(function () {
  var q = new URLSearchParams(location.search);
  function flag(n) { return q.get(n) === 'true'; }
  var useExpiry = flag('useexpiry'), useCvv = flag('usecvv'), enhanced = flag('enhancedresponse');
  var whenInactive = flag('tokenizewheninactive'), formatInput = flag('formatinput');
  var inactivity = Number(q.get('inactivityto') || 500);
  var propName = /^[A-Za-z0-9]+$/.test(q.get('tokenpropname') || '') ? q.get('tokenpropname') : 'message';
  var invalidEvent = flag('invalidinputevent') || flag('invalidcreditcardevent');
  var allowed = ${JSON.stringify(ALLOWED_CSS)};

  function post(obj) { window.parent.postMessage(JSON.stringify(obj), '*'); }
  function $(id) { return document.getElementById(id); }
  var card = $('ccnumfield');
  if (flag('fullmobilekeyboard')) card.type = 'text';
  if (q.get('placeholder')) card.placeholder = q.get('placeholder');
  if (flag('autofocus')) card.focus();
  $('expiryrow').hidden = !useExpiry;
  $('cvvrow').hidden = !useCvv;
  $('cclabel').hidden = !(useExpiry || useCvv);
  var years = $('ccexpiryyear'), now = new Date().getFullYear();
  for (var y = now; y <= now + 20; y++) years.add(new Option(String(y), String(y)));

  // css=... : keep only whitelisted properties.
  var css = q.get('css');
  if (css) {
    var out = css.replace(/([^{}]*)\{([^{}]*)\}/g, function (_, sel, body) {
      var kept = body.split(';').filter(function (d) {
        var p = d.split(':')[0].trim().toLowerCase();
        return allowed.indexOf(p) >= 0 && !/[<>]|url\(|expression/i.test(d);
      });
      return sel.replace(/[<>]/g, '') + '{' + kept.join(';') + '}';
    });
    var style = document.createElement('style'); style.textContent = out; document.head.appendChild(style);
  }

  function digits(v) { return v.replace(/[\s-]/g, ''); }
  function luhn(s) {
    var sum = 0;
    for (var i = 0; i < s.length; i++) {
      var d = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }
  function cardValid(v) { return v.indexOf('/') > 0 ? /^\d{9}\/\d{4,17}$/.test(v) : /^\d{12,19}$/.test(v) && luhn(v); }
  function expiry() {
    var m = $('ccexpirymonth').value, y = $('ccexpiryyear').value;
    return m && y ? y + m : '';
  }

  var typing = false, timer = null, lastSent = '';
  card.addEventListener('input', function () {
    if (flag('sendcardtypingevent') && !typing) { typing = true; post({ cardTyping: true }); }
    if (formatInput && card.value.indexOf('/') < 0) {
      var d = card.value.replace(/\D/g, '');
      card.value = d.replace(/(\d{4})(?=\d)/g, '$1 ');
    }
    if (whenInactive) { clearTimeout(timer); timer = setTimeout(attempt, inactivity); }
  });
  if (!whenInactive) card.addEventListener('blur', attempt);
  ['ccexpirymonth', 'ccexpiryyear', 'cccvvfield'].forEach(function (id) {
    $(id).addEventListener(id === 'cccvvfield' ? (whenInactive ? 'input' : 'blur') : 'change', function () {
      if (whenInactive) { clearTimeout(timer); timer = setTimeout(attempt, inactivity); } else attempt();
    });
  });

  function attempt() {
    var value = digits(card.value);
    if (typing) { typing = false; post({ cardTyping: false }); }
    if (!cardValid(value)) {
      card.classList.add('error');
      if (invalidEvent && value) { var m = {}; m[propName] = ''; m.validationError = 'Invalid card number'; post(m); }
      return;
    }
    card.classList.remove('error');
    if (useExpiry && !expiry()) return;
    var cvv = $('cccvvfield').value;
    if (useCvv && !/^\d{3,4}$/.test(cvv)) return;
    var key = value + '|' + expiry() + '|' + cvv;
    if (key === lastSent) return;
    lastSent = key;
    var req = { account: value };
    if (useExpiry) req.expiry = expiry();
    if (useCvv) req.cvv = cvv;
    if (flag('unique')) req.unique = true;
    fetch('/cardsecure/api/v1/ccn/tokenize', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) })
      .then(function (r) { return r.json(); })
      .then(function (res) { answer(res.token || '', res.errorcode || '0', res.message || ''); })
      .catch(function () { answer('', '0099', 'Tokenization service unavailable'); });
  }

  function answer(token, code, text) {
    var ok = token !== '' && (code === '0' || code === '00');
    if (!ok) card.classList.add('error');
    var m = {};
    m[propName] = ok ? token : '';
    if (useExpiry) m.expiry = expiry();
    if (enhanced) { m.token = ok ? token : ''; m.errorCode = ok ? '0' : code; m.errorMessage = ok ? '' : text; }
    post(m);
  }
})();
`

const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'))
  .map((m) => `<option value="${m}">${m}</option>`)
  .join('')

export const TOKENIZER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hosted iFrame Tokenizer (CardPointe sandbox)</title>
<style>body{margin:0;font-family:sans-serif}label{display:block}.error{color:red}</style>
</head>
<body>
<form id="tokenform" onsubmit="return false">
  <label for="ccnumfield" id="cccardlabel"><span id="cclabel">Card Number</span></label>
  <input id="ccnumfield" type="tel" name="ccnumfield" size="19" maxlength="2000" autocomplete="off" title="Credit Card Number" aria-label="Credit Card Number">
  <div id="expiryrow" hidden>
    <label for="ccexpirymonth">Expiration Date</label>
    <select id="ccexpirymonth" name="ccexpirymonth" title="Expiration Month" aria-label="Expiration Month"><option value="">MM</option>${MONTHS}</select>
    <select id="ccexpiryyear" name="ccexpiryyear" title="Expiration Year" aria-label="Expiration Year"><option value="">YYYY</option></select>
  </div>
  <div id="cvvrow" hidden>
    <label for="cccvvfield">CVV</label>
    <input id="cccvvfield" type="tel" name="cccvvfield" size="4" maxlength="4" autocomplete="off" title="Card Verification Value" aria-label="Card Verification Value">
  </div>
</form>
<script>${SCRIPT}</script>
</body>
</html>
`
