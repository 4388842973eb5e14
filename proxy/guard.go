package proxy

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/llm"
)

// HeaderGuardrail tells the client what guardrails did to its request:
// "redacted: US_SSN=1, PHONE_NUMBER=1", "flagged: prompt_injection=1".
const HeaderGuardrail = "Switchboard-Guardrail"

// Guardrails are the acceptable-use checks of a snapshot: one scanner, a
// policy per tenant (inherited down the tree) and per vendor contract.
// Build them with NewGuardrails.
type Guardrails struct {
	GuardOptions
	cfg       guard.Config
	mu        sync.Mutex
	redactors map[string]*guard.Scanner
}

// GuardOptions configure Guardrails.
type GuardOptions struct {
	Scanner *guard.Scanner
	// Tenant returns the policy for a tenant (its own or its nearest
	// ancestor's); false when none applies.
	Tenant func(tenant string) (guard.Policy, bool)
	// Vendor holds the policy a vendor's contract requires, applied on top
	// of the tenant's for requests routed to that vendor.
	Vendor map[string]guard.Policy
	// Output scans answers too (before they reach the client).
	Output bool
	// HoldBack is the stream redaction window (guard.MinHoldBack at least).
	HoldBack int
	// Classifier, when set, is an external safety classifier asked about
	// every prompt.
	Classifier *Classifier
}

// redactor returns the scanner for p's redact (and block) types, or nil
// when p redacts nothing. Scanners are cached per policy name; combined
// (tenant + vendor) policies are added on first use.
func (g *Guardrails) redactor(p guard.Policy) (*guard.Scanner, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s, ok := g.redactors[p.Name]; ok {
		return s, nil
	}
	var types []guard.Type
	for t, a := range p.Actions {
		if (a == guard.ActionRedact || a == guard.ActionBlock) && t.IsPII() {
			types = append(types, t)
		}
	}
	var s *guard.Scanner
	if p.Default == guard.ActionRedact || p.Default == guard.ActionBlock || len(types) > 0 {
		c := g.cfg
		if p.Default != guard.ActionRedact && p.Default != guard.ActionBlock {
			c.Detectors = types
		}
		var err error
		if s, err = guard.NewScanner(c); err != nil {
			return nil, err
		}
	}
	g.redactors[p.Name] = s
	return s, nil
}

// NewGuardrails validates the policies and prepares their answer scanners.
func NewGuardrails(o GuardOptions, cfg guard.Config, policies []guard.Policy) (*Guardrails, error) {
	out := &Guardrails{GuardOptions: o, cfg: cfg, redactors: map[string]*guard.Scanner{}}
	for _, p := range policies {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if _, err := out.redactor(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Finding is what the audit trail keeps of guardrail findings: types,
// counts and rule ids, never the values.
type Finding struct {
	Type      string
	Rule      string
	Count     int
	Action    string
	Direction string // prompt or answer
}

// part is one scanned text of the request: where it lives and what was found.
type part struct {
	msg, idx int  // message and part index; msg -1 is System[idx], classifierPart the classifier
	json     bool // the text is JSON: redacted with guard.RedactJSON
	found    []guard.Finding
}

// shiftSystem moves the findings of system texts down by n, after n texts
// (a tenant's standing instructions) were put in front of them.
func (sc *scanned) shiftSystem(n int) {
	for i := range sc.parts {
		if sc.parts[i].msg == -1 {
			sc.parts[i].idx += n
		}
	}
}

// classifierPart marks the classifier's findings: about the whole prompt,
// with no span to redact.
const classifierPart = -2

// addClassifier adds the classifier's findings, and their use categories.
func (sc *scanned) addClassifier(fs []guard.Finding) {
	if len(fs) == 0 {
		return
	}
	sc.parts = append(sc.parts, part{msg: classifierPart, found: fs})
	for _, f := range fs {
		if !f.Type.IsPII() && !contains(sc.uses, string(f.Type)) {
			sc.uses = append(sc.uses, string(f.Type))
		}
	}
	sort.Strings(sc.uses)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// scanned is the result of scanning a request's prompt.
type scanned struct {
	parts []part
	uses  []string
}

// scanPrompt scans every text of the request. Use categories are collected
// for the directives (restrict with uses); PII findings wait for the
// target's vendor to be known.
func (g *Guardrails) scanPrompt(req *llm.Request) scanned {
	var sc scanned
	seen := map[string]bool{}
	add := func(msg, idx int, text string, isJSON bool) {
		var fs []guard.Finding
		if isJSON {
			fs = g.Scanner.ScanJSON(text)
		} else {
			fs = g.Scanner.Scan(text)
		}
		if len(fs) == 0 {
			return
		}
		sc.parts = append(sc.parts, part{msg: msg, idx: idx, json: isJSON, found: fs})
		for _, f := range fs {
			if !f.Type.IsPII() && !seen[string(f.Type)] {
				seen[string(f.Type)] = true
				sc.uses = append(sc.uses, string(f.Type))
			}
		}
	}
	for i, s := range req.System {
		add(-1, i, s, false)
	}
	for i, m := range req.Messages {
		for j, p := range m.Parts {
			switch {
			case p.Kind == llm.PartText:
				add(i, j, p.Text, false)
			case p.Kind == llm.PartThinking:
				// An earlier answer's reasoning, sent back: it may have
				// been written under another vendor's policy. Redacting
				// it voids the vendor's signature (see config.GuardSpec).
				add(i, j, p.Text, false)
			case p.Kind == llm.PartToolResult && p.ToolResult != nil:
				// A result is often JSON (a Gemini functionResponse
				// always), or a JSON string, or JSON cut short: read as
				// JSON, "\n" does not hide a number.
				add(i, j, p.ToolResult.Content, guard.IsJSON(p.ToolResult.Content))
			case p.Kind == llm.PartToolCall && p.ToolCall != nil:
				// An earlier call's arguments, as the client sends them
				// back: JSON text.
				add(i, j, string(p.ToolCall.Args), true)
			}
		}
	}
	sort.Strings(sc.uses)
	return sc
}

// findings lists every finding of the prompt for the audit, with the
// actions p takes.
func (sc scanned) findings(p guard.Policy) []Finding {
	var all []guard.Finding
	for _, pt := range sc.parts {
		all = append(all, pt.found...)
	}
	return auditFindings(all, p, "prompt")
}

// policy combines the tenant's policy with the vendor contract's: per type,
// the stronger action.
func (g *Guardrails) policy(tenant, vendor string) (guard.Policy, bool) {
	tp, tok := g.Tenant(tenant)
	vp, vok := g.Vendor[vendor]
	switch {
	case !tok && !vok:
		return guard.Policy{}, false
	case !vok:
		return tp, true
	case !tok:
		return vp, true
	}
	p := guard.Policy{Name: tp.Name + "+" + vp.Name, Default: stronger(tp.Default, vp.Default), Actions: map[guard.Type]guard.Action{}}
	for t, a := range tp.Actions {
		p.Actions[t] = a
	}
	for t, a := range vp.Actions {
		p.Actions[t] = stronger(p.Actions[t], a)
	}
	return p, true
}

func stronger(a, b guard.Action) guard.Action {
	rank := map[guard.Action]int{"": 0, guard.ActionAllow: 0, guard.ActionFlag: 1, guard.ActionRedact: 2, guard.ActionBlock: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// promptVerdict applies the policy for one target to the prompt's findings.
// It returns the request to send (redacted when needed; the original when
// nothing changes), the findings for the audit, the header value, and a
// refusal when the policy blocks.
func (g *Guardrails) promptVerdict(req *llm.Request, sc scanned, tenant, vendor string) (*llm.Request, []Finding, string, error) {
	p, ok := g.policy(tenant, vendor)
	if !ok || len(sc.parts) == 0 {
		return req, sc.findings(guard.Policy{}), "", nil
	}
	var all []guard.Finding
	for _, pt := range sc.parts {
		all = append(all, pt.found...)
	}
	v := guard.Decide(all, p)
	findings := sc.findings(p)
	header := headerNote(v)
	if v.Action == guard.ActionBlock {
		return nil, findings, header, &switchboard.Error{Code: switchboard.EFORBIDDEN,
			Message: "the request was blocked by acceptable-use rule " + strings.Join(v.Rules, ", ") +
				"; remove the content the rule names, or ask your agency's administrator about its policy"}
	}
	if len(v.Redact) == 0 {
		return req, findings, header, nil
	}
	out := cloneForRedaction(req)
	for _, pt := range sc.parts {
		var red []guard.Finding
		for _, f := range pt.found {
			if p.ActionFor(f.Type) == guard.ActionRedact {
				red = append(red, f)
			}
		}
		if len(red) == 0 || pt.msg == classifierPart {
			continue
		}
		if pt.msg < 0 {
			out.System[pt.idx] = guard.Redact(out.System[pt.idx], red)
			continue
		}
		pp := &out.Messages[pt.msg].Parts[pt.idx]
		switch pp.Kind {
		case llm.PartToolResult:
			tr := *pp.ToolResult
			if pt.json {
				tr.Content = guard.RedactJSON(tr.Content, red)
			} else {
				tr.Content = guard.Redact(tr.Content, red)
			}
			pp.ToolResult = &tr
		case llm.PartToolCall:
			tc := *pp.ToolCall
			tc.Args = json.RawMessage(guard.RedactJSON(string(tc.Args), red))
			pp.ToolCall = &tc
		default:
			pp.Text = guard.Redact(pp.Text, red)
		}
	}
	return out, findings, header, nil
}

// cloneForRedaction copies what redaction rewrites (system strings, the
// messages and their parts), sharing everything else.
func cloneForRedaction(req *llm.Request) *llm.Request {
	out := *req
	out.System = append([]string(nil), req.System...)
	out.Messages = make([]llm.Message, len(req.Messages))
	for i, m := range req.Messages {
		out.Messages[i] = llm.Message{Role: m.Role, Parts: append([]llm.Part(nil), m.Parts...)}
	}
	return &out
}

// auditFindings counts findings per type and rule, with the action taken.
func auditFindings(fs []guard.Finding, p guard.Policy, direction string) []Finding {
	type key struct{ t, r string }
	counts := map[key]int{}
	var order []key
	for _, f := range fs {
		k := key{string(f.Type), f.Rule}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	out := make([]Finding, 0, len(order))
	for _, k := range order {
		out = append(out, Finding{Type: k.t, Rule: k.r, Count: counts[k], Action: string(p.ActionFor(guard.Type(k.t))), Direction: direction})
	}
	return out
}

// headerNote renders a verdict for the Switchboard-Guardrail header:
// "redacted: PHONE_NUMBER=1, US_SSN=1"; empty when the policy allowed all.
func headerNote(v guard.Verdict) string {
	if v.Action == guard.ActionAllow {
		return ""
	}
	word := map[guard.Action]string{guard.ActionFlag: "flagged", guard.ActionRedact: "redacted", guard.ActionBlock: "blocked"}[v.Action]
	types := make([]string, 0, len(v.Counts))
	for t := range v.Counts {
		types = append(types, t)
	}
	sort.Strings(types)
	var b strings.Builder
	b.WriteString(word + ": ")
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t + "=" + strconv.Itoa(v.Counts[t]))
	}
	return b.String()
}

// answerGuard redacts an answer, whole or streamed, with the policy for
// the tenant and the served vendor: its text and thinking, and the
// arguments of its tool calls.
type answerGuard struct {
	g        *Guardrails
	p        guard.Policy
	scanner  *guard.Scanner
	blocks   map[int]*heldBlock // the streaming blocks, by index
	findings []guard.Finding
}

// heldBlock is what a stream holds of one block: a text or thinking block's
// redactor, or a tool call's arguments, held until the call is complete
// (JSON is redacted whole, so that it stays valid); and a signature not
// yet passed on, which goes out with the block's next released text.
type heldBlock struct {
	text *guard.StreamRedactor
	args *strings.Builder
	sig  string
}

// newAnswerGuard returns nil when answers need no redaction for this
// tenant and vendor.
func (g *Guardrails) newAnswerGuard(tenant, vendor string) *answerGuard {
	if g == nil || !g.Output {
		return nil
	}
	p, ok := g.policy(tenant, vendor)
	if !ok {
		return nil
	}
	s, err := g.redactor(p)
	if err != nil || s == nil {
		return nil // the policy redacts nothing in answers
	}
	return &answerGuard{g: g, p: p, scanner: s, blocks: map[int]*heldBlock{}}
}

// redactWhole redacts a complete answer in place: the text of its text and
// thinking parts, and the arguments of its tool calls.
func (a *answerGuard) redactWhole(r *llm.Response) {
	for i := range r.Content {
		p := &r.Content[i]
		switch {
		case p.Kind == llm.PartText || p.Kind == llm.PartThinking:
			p.Text = guard.Redact(p.Text, a.scan(p.Text, false))
		case p.Kind == llm.PartToolCall && p.ToolCall != nil:
			args := string(p.ToolCall.Args)
			if red := a.scan(args, true); len(red) > 0 {
				tc := *p.ToolCall
				tc.Args = json.RawMessage(guard.RedactJSON(args, red))
				p.ToolCall = &tc
			}
		}
	}
}

// scan records the findings of text (JSON text when isJSON) and returns
// those the policy redacts or blocks.
func (a *answerGuard) scan(text string, isJSON bool) []guard.Finding {
	var fs []guard.Finding
	if isJSON {
		fs = a.scanner.ScanJSON(text)
	} else {
		fs = a.scanner.Scan(text)
	}
	a.findings = append(a.findings, fs...)
	var red []guard.Finding
	for _, f := range fs {
		if act := a.p.ActionFor(f.Type); act == guard.ActionRedact || act == guard.ActionBlock {
			red = append(red, f)
		}
	}
	return red
}

// filter passes a streamed event through the redactor of its block: text
// and thinking are held back until they are safe, and released redacted;
// a tool call's arguments are held until the call ends, and released
// redacted in one delta. It emits the events that take ev's place.
func (a *answerGuard) filter(ev llm.Event, emit func(llm.Event)) {
	switch ev.Type {
	case llm.EventBlockStart:
		switch ev.Kind {
		case llm.BlockText, llm.BlockThinking:
			a.blocks[ev.Index] = &heldBlock{text: guard.NewStreamRedactor(a.scanner, a.g.HoldBack)}
		case llm.BlockToolCall:
			a.blocks[ev.Index] = &heldBlock{args: new(strings.Builder)}
		}
	case llm.EventBlockDelta:
		b := a.blocks[ev.Index]
		if b == nil {
			// A delta without its start (no decoder sends one): held
			// as text rather than let through unread.
			b = &heldBlock{text: guard.NewStreamRedactor(a.scanner, a.g.HoldBack)}
			a.blocks[ev.Index] = b
		}
		b.sig += ev.Signature
		if b.args != nil {
			b.args.WriteString(ev.Text)
			return
		}
		if ev.Text != "" {
			safe, fs := b.text.Write(ev.Text)
			a.findings = append(a.findings, fs...)
			b.release(ev.Index, safe, emit)
		}
		return
	case llm.EventBlockStop:
		if b := a.blocks[ev.Index]; b != nil {
			var safe string
			if b.args != nil {
				safe = b.args.String()
				safe = guard.RedactJSON(safe, a.scan(safe, true))
			} else {
				var fs []guard.Finding
				safe, fs = b.text.Flush()
				a.findings = append(a.findings, fs...)
			}
			b.release(ev.Index, safe, emit)
			if b.sig != "" {
				emit(llm.Event{Type: llm.EventBlockDelta, Index: ev.Index, Signature: b.sig})
			}
			delete(a.blocks, ev.Index)
		}
	}
	emit(ev)
}

// release emits safe, text of block i, with the signature held so far.
func (b *heldBlock) release(i int, safe string, emit func(llm.Event)) {
	if safe == "" {
		return
	}
	emit(llm.Event{Type: llm.EventBlockDelta, Index: i, Text: safe, Signature: b.sig})
	b.sig = ""
}

// auditFindings returns the answer's findings for the audit trail.
func (a *answerGuard) auditFindings() []Finding {
	return auditFindings(a.findings, a.p, "answer")
}
