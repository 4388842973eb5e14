// Package config loads, expands and validates the YAML configuration file:
// the top-level keys of the contract in DESIGN.md, ${ENV} references for
// secrets, and every problem reported with its path and line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/oidc"
)

// Config is the whole configuration file.
type Config struct {
	// Listen is the address the gateway serves on (default 127.0.0.1:8080).
	Listen string `yaml:"listen"`
	// Store is "sqlite:PATH" (default sqlite:./data/switchboard.db) or a
	// postgres:// URL.
	Store string `yaml:"store"`
	// Redis is an optional redis:// URL for limits and budgets shared by
	// every node; without it each node keeps its own.
	Redis string `yaml:"redis"`
	// RedisPrefix starts every Redis key the gateway writes (default
	// "switchboard:{limits}:"); nodes that share limits share it.
	RedisPrefix string `yaml:"redis_prefix"`
	// Gateway holds request limits, timeouts and retries.
	Gateway Gateway `yaml:"gateway"`
	// Providers are the upstream endpoints, by name.
	Providers map[string]switchboard.Provider `yaml:"providers"`
	// Vendors are the companies behind models, by id.
	Vendors map[string]switchboard.Vendor `yaml:"vendors"`
	// Models is the catalog: model id → provider, vendor and upstream id.
	Models map[string]switchboard.Model `yaml:"models"`
	// Aliases map a name to an ordered list of models (fallbacks).
	Aliases map[string]AliasSpec `yaml:"aliases"`
	// Tenants are the agency hierarchy, by id.
	Tenants map[string]switchboard.Tenant `yaml:"tenants"`
	// Keys are gateway keys bootstrapped from the file.
	Keys []KeySpec `yaml:"keys"`
	// Directives are vendor directives bootstrapped from the file, with the
	// same fields as the admin API.
	Directives []switchboard.Directive `yaml:"directives"`
	// Adoption maps a vendor to the tenants that already used it before
	// the file's directives: an exclude directive bars only new adopters.
	// The audit trail adds to it as traffic flows.
	Adoption map[string][]string `yaml:"adoption"`
	// Guardrails configure the acceptable-use checks.
	Guardrails GuardSpec `yaml:"guardrails"`
	// Audit configures the tamper-evident audit trail.
	Audit AuditSpec `yaml:"audit"`
	// Limits are rate limits per key and tenant, and tenant budgets.
	Limits limits.Config `yaml:"limits"`
	// Prices is the price table, in USD per million tokens, by model id.
	Prices limits.Prices `yaml:"prices"`
	// SSO signs people in to StateChat and the console through the
	// agency's OpenID Connect provider (PIV/CAC sits behind it).
	SSO *oidc.Config `yaml:"sso"`

	// lines maps a dotted path to its line in the file, for problems found
	// after decoding.
	lines map[string]int
	// ModelOrder and AliasOrder keep the file's order (maps lose it).
	ModelOrder, AliasOrder, ProviderOrder []string
}

// Gateway holds data-plane settings.
type Gateway struct {
	// MaxBodyBytes limits a request body (default 32 MiB: images travel inline).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Timeouts for upstream calls.
	Timeouts TimeoutSpec `yaml:"timeouts"`
	// Retries per target before falling back to the next (default 2).
	Retries *int `yaml:"retries"`
	// RetryBackoff is the first backoff, doubled each retry (default 200ms).
	RetryBackoff Duration `yaml:"retry_backoff"`
	// StoreOutage is what a node does while its state store is unreachable:
	// static (default) keeps serving from the last snapshot and says so in
	// its metrics; closed refuses requests until the store is back. Either
	// way /readyz fails meanwhile. A durable audit trail on the same
	// database still needs it for every answer, so fail-static serves
	// through an outage only with audit.mode async.
	StoreOutage string `yaml:"store_outage"`
}

// TimeoutSpec are upstream timeouts; zero means the default.
type TimeoutSpec struct {
	Connect   Duration `yaml:"connect"`    // default 10s
	FirstByte Duration `yaml:"first_byte"` // default 60s
	Idle      Duration `yaml:"idle"`       // default 60s between stream chunks
	Total     Duration `yaml:"total"`      // default 10m
}

// Duration is a time.Duration written as "250ms" or "1m" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration (use 500ms, 30s, 2m)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// GuardSpec configures the guardrails: the detectors (guard.Config:
// detectors, min_score, thresholds, terms), named policies that map each
// detector to allow, flag, redact or block, and which policy applies to
// which tenant (inherited by its subtree; "*" for every tenant) and which a
// vendor's contract requires on top of the tenant's.
type GuardSpec struct {
	guard.Config `yaml:",inline"`
	Policies     map[string]guard.Policy `yaml:"policies"`
	Tenants      map[string]string       `yaml:"tenants"`
	Vendors      map[string]string       `yaml:"vendors"`
	// Output also scans answers before they reach the client (default
	// true): text, thinking, and tool-call arguments. Streamed text and
	// thinking are held back by HoldBack; a streamed tool call's arguments
	// are held until the call is complete and released in one piece, so
	// that redacted JSON stays valid (a number found as PII becomes the
	// placeholder as a string). A redacted thinking block keeps the
	// vendor's signature, which then no longer matches it: a client that
	// sends that block back to the same vendor may have it refused.
	// Prompts are scanned whole whatever this says: text, thinking sent
	// back, tool results (as JSON when they are) and earlier tool calls.
	Output *bool `yaml:"output"`
	// HoldBack is the streamed-answer redaction window in bytes (default
	// and minimum guard.MinHoldBack, 384).
	HoldBack int `yaml:"hold_back"`
	// Classifier asks an external safety classifier (Llama Guard behind an
	// OpenAI-compatible server, say) about every prompt.
	Classifier *ClassifierSpec `yaml:"classifier"`
}

// ClassifierSpec configures the external safety classifier.
type ClassifierSpec struct {
	// Model is a catalog model: the classifier is reached through the
	// gateway's own providers.
	Model string `yaml:"model"`
	// Mode is before (default: the classifier answers before routing, so
	// its use categories steer directives) or parallel (beside the upstream
	// call; nothing reaches the client until it answers).
	Mode string `yaml:"mode"`
	// Timeout bounds one classification (default 2s).
	Timeout Duration `yaml:"timeout"`
	// Failure is what happens when the classifier fails or times out:
	// open (default: serve) or closed (refuse); Policies overrides it per
	// guardrail policy name.
	Failure  string            `yaml:"failure"`
	Policies map[string]string `yaml:"policies"`
}

// AuditSpec configures the audit trail.
type AuditSpec struct {
	// Mode is durable (default: a request's record is committed before its
	// answer completes) or async (records are committed in the background,
	// every 10ms: cheaper, but a crash can lose the last ones).
	Mode string `yaml:"mode"`
	// KeyFile is the Ed25519 key that signs checkpoints; created (0600)
	// on first start when missing, its public key written beside it as
	// KEYFILE.pub. Default: audit-ed25519.key beside the SQLite database,
	// or ./data/audit-ed25519.key with Postgres (give every node the same
	// key, or list each node's public key to verifiers).
	KeyFile string `yaml:"key_file"`
	// CheckpointEvery signs a checkpoint after this many records (default
	// 1000); CheckpointInterval after this long (default 1m).
	CheckpointEvery    int      `yaml:"checkpoint_every"`
	CheckpointInterval Duration `yaml:"checkpoint_interval"`
	// Content is the content capture policy: none (default), redacted or
	// full, with per-tenant overrides (a tenant inherits its parent's).
	Content ContentSpec `yaml:"content"`
	// Retention holds rules in the shape of NARA's machine-readable
	// General Records Schedule (see the audit package).
	Retention yaml.Node `yaml:"retention"`
}

// ContentSpec is the content capture policy.
type ContentSpec struct {
	Default string            `yaml:"default"`
	Tenants map[string]string `yaml:"tenants"`
}

// AliasSpec is an alias: a plain list of models, or {title, targets}.
type AliasSpec struct {
	Title   string   `yaml:"title"`
	Targets []string `yaml:"targets"`
}

// UnmarshalYAML accepts both `name: [a, b]` and `name: {title, targets}`.
func (a *AliasSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		return n.Decode(&a.Targets)
	}
	type plain AliasSpec
	return n.Decode((*plain)(a))
}

// KeySpec is a gateway key bootstrapped from the file. Key is usually a
// ${ENV} reference; it is hashed on load and never kept in plaintext.
type KeySpec struct {
	Key    string `yaml:"key"`
	Tenant string `yaml:"tenant"`
	Name   string `yaml:"name"`
	Role   string `yaml:"role"`
}

// Problem is one thing wrong with a configuration.
type Problem struct {
	Path    string
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Path, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Message)
}

// Problems is every problem found; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// Load reads, expands and validates the file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, os.LookupEnv)
}

// Parse decodes and validates a configuration. lookup resolves ${ENV}
// references (os.LookupEnv in production).
func Parse(b []byte, lookup func(string) (string, bool)) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, Problems{{Path: "(file)", Message: cleanYAMLError(err)}}
	}
	c := &Config{lines: map[string]int{}}
	if root.Kind == 0 {
		return c, c.Validate()
	}
	var probs Problems
	expand(&root, "", lookup, &probs)
	index(&root, "", c.lines)
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	c.ModelOrder = keysInOrder(doc, "models")
	c.AliasOrder = keysInOrder(doc, "aliases")
	c.ProviderOrder = keysInOrder(doc, "providers")
	// A misspelt key is an error with its line, not silently ignored.
	probs = append(probs, unknownKeys(b)...)
	if err := root.Decode(c); err != nil {
		probs = append(probs, yamlProblems(err)...)
	}
	if len(probs) == 0 {
		if err := c.Validate(); err != nil {
			probs = append(probs, err.(Problems)...)
		}
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Line < probs[j].Line })
		return nil, probs
	}
	return c, nil
}

// unknownKeys reports keys that match no field, using the strict decoder on
// the file as written (expansion does not change keys).
func unknownKeys(b []byte) Problems {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var probe Config
	err := dec.Decode(&probe)
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return nil
	}
	var ps Problems
	for _, e := range te.Errors {
		if strings.Contains(e, "not found in type") {
			p := lineProblem(e)
			if f, _, ok := strings.Cut(strings.TrimPrefix(p.Message, "field "), " not found"); ok {
				p.Message = fmt.Sprintf("unknown key %q (check the spelling; see the configuration reference)", f)
			}
			ps = append(ps, p)
		}
	}
	return ps
}

// keysInOrder lists the keys of the mapping under top-level key k.
func keysInOrder(doc *yaml.Node, k string) []string {
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == k && doc.Content[i+1].Kind == yaml.MappingNode {
			m := doc.Content[i+1]
			out := make([]string, 0, len(m.Content)/2)
			for j := 0; j+1 < len(m.Content); j += 2 {
				out = append(out, m.Content[j].Value)
			}
			return out
		}
	}
	return nil
}

// Line returns the line of a dotted path in the file, or 0.
func (c *Config) Line(path string) int {
	for p := path; p != ""; {
		if l, ok := c.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

func (c *Config) problem(path, format string, args ...any) Problem {
	return Problem{Path: path, Line: c.Line(path), Message: fmt.Sprintf(format, args...)}
}

// index records the line of every node under its dotted path
// (providers.openai.base_url, keys[0].tenant).
func index(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			index(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			lines[p] = n.Content[i].Line
			index(n.Content[i+1], p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = c.Line
			index(c, p, lines)
		}
	}
}

// expand replaces ${VAR} and ${VAR:-default} in every scalar.
func expand(n *yaml.Node, path string, lookup func(string) (string, bool), probs *Problems) {
	switch n.Kind {
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		v, missing := Expand(n.Value, lookup)
		for _, m := range missing {
			*probs = append(*probs, Problem{Path: path, Line: n.Line, Message: fmt.Sprintf("environment variable %s is not set (set it, or write ${%s:-default})", m, m)})
		}
		n.Value = v
		if n.Tag == "" || n.Tag == "!!null" {
			n.Tag = "!!str"
		}
	case yaml.DocumentNode:
		for _, c := range n.Content {
			expand(c, path, lookup, probs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			expand(n.Content[i+1], p, lookup, probs)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			expand(c, fmt.Sprintf("%s[%d]", path, i), lookup, probs)
		}
	}
}

// Expand substitutes ${VAR} and ${VAR:-default} in s and returns the names of
// variables that were unset and had no default. "$$" is a literal "$".
func Expand(s string, lookup func(string) (string, bool)) (string, []string) {
	var b strings.Builder
	var missing []string
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if s[i] != '$' || i+1 >= len(s) || s[i+1] != '{' {
			b.WriteByte(s[i])
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		expr := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(expr, ":-")
		if v, ok := lookup(name); ok && v != "" {
			b.WriteString(v)
		} else if hasDef {
			b.WriteString(def)
		} else {
			missing = append(missing, name)
		}
		i += end
	}
	return b.String(), missing
}

func cleanYAMLError(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func yamlProblems(err error) Problems {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		ps := make(Problems, 0, len(te.Errors))
		for _, e := range te.Errors {
			ps = append(ps, lineProblem(e))
		}
		return ps
	}
	return Problems{lineProblem(cleanYAMLError(err))}
}

// lineProblem turns yaml.v3's "line N: message" into a Problem.
func lineProblem(msg string) Problem {
	var line int
	if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
		msg = strings.TrimSpace(msg[strings.IndexByte(msg, ':')+1:])
	}
	return Problem{Path: "(file)", Line: line, Message: msg}
}

// sortedKeys returns the keys of a map in order, for stable problem lists.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
