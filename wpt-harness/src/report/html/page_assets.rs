//! The page's inline style sheet and script.

/// The style sheet.
pub const STYLE: &str = "
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header .summary{font-size:16px;margin:0}
header .meta{color:#9ca3af;margin:4px 0 0}
header nav{margin-top:8px;display:flex;gap:14px;flex-wrap:wrap}
header nav a{color:#93c5fd}
header details{margin-top:8px}header details summary{cursor:pointer;color:#d1d5db}
main{padding:16px 24px}
h2{font-size:16px;margin:8px 0}
section.problems{background:#fff;border:1px solid #fecaca;border-left:4px solid #dc2626;border-radius:6px;padding:6px 14px;margin:0 0 14px}
section.problems.xpass{border-color:#ddd6fe;border-left-color:#7c3aed}
section.problems.notrun{border-color:#e5e7eb;border-left-color:#6b7280}
section.problems ol{margin:4px 0;padding-left:22px}
section.problems li{margin:3px 0}
section.problems .why{display:block;font-family:ui-monospace,Menlo,monospace;font-size:12px;color:#4b5563;white-space:pre-wrap}
table{border-collapse:collapse}
table.index td,table.index th{padding:2px 10px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
details.index{background:#fff;margin-bottom:14px;border:1px solid #e5e7eb;border-radius:6px;padding:6px 12px}
details.index>summary{cursor:pointer;font-weight:600}
.badge{display:inline-block;min-width:54px;text-align:center;border-radius:4px;padding:0 6px;font-weight:600;font-size:12px;color:#fff}
.PASS,.OK{background:#16a34a}.FAIL,.ERROR,.TIMEOUT{background:#dc2626}.NOTRUN{background:#6b7280}.XFAIL{background:#d97706}
.XPASS{background:#7c3aed;outline:2px dashed #c4b5fd;outline-offset:1px}
section.test{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:0 0 10px;padding:4px 12px}
section.test.bad{border-left:4px solid #dc2626}section.test.xpass{border-left:4px solid #7c3aed}
section.test>details>summary{cursor:pointer;font-weight:600;padding:4px 0}
.profile{color:#6b7280;font-weight:400;font-size:12px;margin-left:8px}
.desc{color:#374151;margin:4px 0}
.subtest{border-top:1px dashed #e5e7eb;padding:6px 0}
.subtest h3{font-size:14px;margin:4px 0}
.message{font-family:ui-monospace,Menlo,monospace;font-size:12px;background:#fef2f2;border-left:3px solid #dc2626;padding:4px 8px;white-space:pre-wrap;margin:4px 0}
.xpass-note{background:#f5f3ff;border-left:3px solid #7c3aed;padding:4px 8px;margin:4px 0}
.timeline{overflow-x:auto}
table.entries td:nth-child(-n+2){white-space:nowrap}
table.entries td{padding:0 8px;font-size:12px;font-family:ui-monospace,Menlo,monospace;vertical-align:top}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:6px;background:#1f2937;border-radius:4px;padding:6px 10px}
.legend span{display:inline-flex;align-items:center;gap:5px;font-size:12px}
details.through>summary{cursor:pointer;color:#374151}
.stepper{display:flex;gap:12px;align-items:flex-start;margin:6px 0}
.steplist{display:flex;flex-direction:column;gap:2px;max-height:420px;overflow-y:auto;min-width:230px}
.steplist button{text-align:left;font:12px ui-monospace,Menlo,monospace;border:1px solid #e5e7eb;background:#f9fafb;border-radius:3px;padding:2px 6px;cursor:pointer}
.steplist button.stop{border-color:#dc2626;color:#991b1b}
.steplist button[aria-pressed=true]{background:#ede9fe;border-color:#7c3aed}
.state{flex:1;display:flex;gap:12px;flex-wrap:wrap;font-size:12px}
.state .col{flex:1;min-width:320px;border:1px solid #e5e7eb;border-radius:4px;padding:4px 8px;background:#fff}
.state h4{margin:2px 0 4px;font-size:13px}
.state table td,.state table th{padding:1px 6px;border-bottom:1px solid #f3f4f6;text-align:left;vertical-align:top}
.state ul{margin:2px 0;padding-left:18px;font-family:ui-monospace,Menlo,monospace}
.state .none{color:#6b7280;font-style:italic}
";

/// The step-through: a step button shows the state after that step (from the
/// embedded JSON) and moves the cursor on the subtest's timeline.
pub const SCRIPT: &str = r#"
(function(){
const data = JSON.parse(document.getElementById('steps-data').textContent);
const esc = s => String(s == null ? '' : s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
function column(name, snap, unavailable) {
  let h = "<div class='col' data-target='" + esc(name) + "'><h4>" + esc(name) + ": after " +
    (snap.index === 0 ? "the initial set-up" : "step " + snap.index + " <code>" + esc(snap.keyword) + "</code> (line " + snap.line + ")") +
    ", t=" + esc(snap.at) + "</h4>";
  if (snap.stopped) h += "<div class='message'>stopped here: " + esc(snap.stopped) + "</div>";
  h += snap.happened.length ? "<ul class='happened'>" + snap.happened.map(x => "<li>" + esc(x) + "</li>").join('') + "</ul>"
                            : "<p class='none'>nothing observed during this step</p>";
  if (snap.registrations == null) {
    h += "<p class='none unavailable'>" + esc(unavailable || 'no registration listing on this target') + "</p>";
  } else if (snap.registrations.length === 0) {
    h += "<p class='none'>no registrations</p>";
  } else {
    h += "<table class='regs'><tr><th>worker</th><th>kind</th><th>tag</th><th>phase</th><th>attempts</th><th>due</th><th>explain</th></tr>" +
      snap.registrations.map(r => "<tr><td>" + esc(r.worker) + "</td><td>" + esc(r.kind) + "</td><td>" + esc(r.tag) +
        "</td><td>" + esc(r.phase) + "</td><td>" + r.attempts + "/" + r.max_attempts + "</td><td>" +
        esc(r.due == null ? '—' : 't=' + r.due) + "</td><td>" + esc(r.explain) +
        (r.min_interval != null ? " (minInterval " + esc(r.min_interval) + ")" : "") + "</td></tr>").join('') + "</table>";
  }
  return h + "</div>";
}
function show(button) {
  const box = button.closest('.stepper');
  const d = data[box.dataset.key];
  const k = Number(button.dataset.step);
  const snap = d.steps.find(s => s.index === k);
  if (!snap) return;
  box.querySelectorAll('button[data-step]').forEach(b => b.setAttribute('aria-pressed', b === button ? 'true' : 'false'));
  let h = column(d.target, snap, d.unavailable);
  if (d.beside) {
    const other = d.beside.steps.find(s => s.index === k);
    h += other ? column(d.beside.name, other, d.beside.unavailable)
               : "<div class='col'><h4>" + esc(d.beside.name) + "</h4><p class='none'>did not reach this step</p></div>";
  }
  box.querySelector('.state').innerHTML = h;
  const cursor = box.closest('.subtest').querySelector('line.cursor');
  if (cursor) {
    cursor.setAttribute('x1', snap.x); cursor.setAttribute('x2', snap.x);
    cursor.setAttribute('visibility', 'visible');
  }
}
document.addEventListener('click', ev => {
  const b = ev.target.closest && ev.target.closest('.stepper button[data-step]');
  if (b) show(b);
});
document.addEventListener('keydown', ev => {
  const b = document.activeElement;
  if (!b || !b.matches || !b.matches('.stepper button[data-step]')) return;
  const next = ev.key === 'ArrowDown' || ev.key === 'ArrowRight' ? b.nextElementSibling
             : ev.key === 'ArrowUp' || ev.key === 'ArrowLeft' ? b.previousElementSibling : null;
  if (next) { ev.preventDefault(); next.focus(); show(next); }
});
})();
"#;
