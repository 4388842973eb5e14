package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/provider"
	"github.com/switchboard-gov/switchboard/route"
)

// Classifier is an external safety classifier reached through the
// gateway's own providers: a Llama Guard model behind an OpenAI-compatible
// server, say, asked with our categories added to its taxonomy. Its
// verdicts become findings that the tenant's policy acts on like any other.
type Classifier struct {
	// Target is the catalog model that classifies, with its provider.
	Target route.Target
	// Parallel runs the classifier beside the upstream call instead of
	// before it; nothing reaches the client until it has answered. Before
	// (the default) also lets its use categories steer routing.
	Parallel bool
	// Timeout bounds one classification (default 2s).
	Timeout time.Duration
	// FailClosed says, per policy name, whether a classifier that fails or
	// times out refuses the request (closed) or lets it through (open).
	FailClosed func(policy string) bool
}

// ClassifierCategories are the unsafe-content categories put to the
// classifier: Llama Guard 3's taxonomy, with the two uses the vendor
// contracts forbid added as S15 and S16.
var ClassifierCategories = []struct{ Code, Name string }{
	{"S1", "Violent Crimes"}, {"S2", "Non-Violent Crimes"}, {"S3", "Sex-Related Crimes"},
	{"S4", "Child Sexual Exploitation"}, {"S5", "Defamation"}, {"S6", "Specialized Advice"},
	{"S7", "Privacy"}, {"S8", "Intellectual Property"}, {"S9", "Indiscriminate Weapons"},
	{"S10", "Hate"}, {"S11", "Suicide & Self-Harm"}, {"S12", "Sexual Content"},
	{"S13", "Elections"}, {"S14", "Code Interpreter Abuse"},
	{"S15", "Domestic surveillance of US persons: tracking, monitoring or profiling individuals; location data; data brokers or commercially acquired personal data; social-media monitoring of citizens"},
	{"S16", "Autonomous weapons targeting: selecting or engaging targets without a human decision"},
}

// classifierType maps a category code to the finding type policies name:
// our two contract uses map to their guard types; the rest are
// "classifier_S1" and so on.
func classifierType(code string) guard.Type {
	switch code {
	case "S15":
		return guard.DomesticSurveillance
	case "S16":
		return guard.AutonomousTargeting
	}
	return guard.Type("classifier_" + code)
}

// classifierPrompt is the instruction in Llama Guard's own format.
func classifierPrompt() string {
	var b strings.Builder
	b.WriteString("Task: Check if there is unsafe content in 'User' messages in conversations according to our safety policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\n")
	for _, c := range ClassifierCategories {
		b.WriteString(c.Code + ": " + c.Name + ".\n")
	}
	b.WriteString("<END UNSAFE CONTENT CATEGORIES>\n\nProvide your safety assessment for ONLY THE LAST User message in the above conversation:\n" +
		" - First line must read 'safe' or 'unsafe'.\n - If unsafe, a second line must include a comma-separated list of violated categories.")
	return b.String()
}

// errClassifier marks a classifier failure (not a verdict).
var errClassifier = errors.New("classifier failed")

// classifierFailed keeps only the text of the cause: the classifier's own
// upstream errors must not look like the request's upstream failing
// (which the proxy would retry and map as the upstream's).
func classifierFailed(err error) error { return fmt.Errorf("%w: %v", errClassifier, err) }

// classify asks the classifier about the request's user text and returns
// one finding per violated category.
func (h *Handler) classify(ctx context.Context, c *Classifier, req *llm.Request) ([]guard.Finding, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Every text the model will read: system instructions and tool
	// results too, so a prohibited request cannot hide in them. The
	// conversation's own delimiters are taken out of the texts, so a
	// message cannot close the conversation and write its own verdict.
	clean := strings.NewReplacer("<BEGIN CONVERSATION>", "", "<END CONVERSATION>", "",
		"<BEGIN UNSAFE CONTENT CATEGORIES>", "", "<END UNSAFE CONTENT CATEGORIES>", "").Replace
	var conv strings.Builder
	for _, s := range req.System {
		conv.WriteString("User: " + clean(s) + "\n\n")
	}
	for _, m := range req.Messages {
		role := "User"
		if m.Role == llm.RoleAssistant {
			role = "Agent"
		}
		for _, p := range m.Parts {
			switch {
			case p.Kind == llm.PartText:
				conv.WriteString(role + ": " + clean(p.Text) + "\n\n")
			case p.Kind == llm.PartToolResult && p.ToolResult != nil:
				conv.WriteString("User: " + clean(p.ToolResult.Content) + "\n\n")
			}
		}
	}
	max := 64
	creq := &llm.Request{
		System:    []string{classifierPrompt()},
		Messages:  []llm.Message{{Role: llm.RoleUser, Parts: []llm.Part{{Kind: llm.PartText, Text: "<BEGIN CONVERSATION>\n\n" + conv.String() + "<END CONVERSATION>"}}}},
		MaxTokens: &max,
	}
	codec := h.opts.Codecs[protocol.Name(c.Target.Provider.Protocol)]
	body, err := codec.EncodeRequest(creq, c.Target.Model.Upstream)
	if err != nil {
		return nil, classifierFailed(err)
	}
	resp, err := h.opts.Client.Do(ctx, provider.Call{Provider: c.Target.Provider, Model: c.Target.Model.Upstream, Body: body})
	if err != nil {
		return nil, classifierFailed(err)
	}
	defer resp.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, classifierFailed(err)
	}
	r, err := codec.DecodeResponse(raw)
	if err != nil {
		return nil, classifierFailed(err)
	}
	return parseVerdict(answerText(r))
}

// parseVerdict reads Llama Guard's answer: "safe", or "unsafe" and a line
// of category codes. Anything else is a failure, not a pass.
func parseVerdict(text string) ([]guard.Finding, error) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, classifierFailed(errors.New("empty verdict"))
	}
	switch strings.ToLower(lines[0]) {
	case "safe":
		return nil, nil
	case "unsafe":
	default:
		return nil, classifierFailed(errors.New("unreadable verdict " + lines[0]))
	}
	var out []guard.Finding
	if len(lines) > 1 {
		for _, code := range strings.Split(lines[1], ",") {
			if code = strings.ToUpper(strings.TrimSpace(code)); code != "" {
				out = append(out, guard.Finding{Type: classifierType(code), Rule: "classifier." + code, Score: 1})
			}
		}
	}
	if len(out) == 0 {
		out = append(out, guard.Finding{Type: "classifier_unsafe", Rule: "classifier.unsafe", Score: 1})
	}
	return out, nil
}

// classifierVerdict applies the policy for (tenant, vendor) to the
// classifier's findings, or to its failure: a refusal when the policy
// blocks a category, or when the classifier failed and the policy is
// fail-closed.
func (g *Guardrails) classifierVerdict(c *Classifier, fs []guard.Finding, cerr error, tenant, vendor string) error {
	p, _ := g.policy(tenant, vendor)
	if cerr != nil {
		if c.FailClosed != nil && c.FailClosed(p.Name) {
			return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Cause: cerr,
				Message: "the safety classifier did not answer and this tenant's policy refuses requests it has not checked; try again shortly"}
		}
		return nil
	}
	v := guard.Decide(fs, p)
	if v.Action == guard.ActionBlock {
		return &switchboard.Error{Code: switchboard.EFORBIDDEN,
			Message: "the request was blocked by acceptable-use rule " + strings.Join(v.Rules, ", ") + " (safety classifier)"}
	}
	return nil
}
