package switchboard_test

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goList lists the module's packages with their directories, imports and
// transitive dependencies.
func goList(t *testing.T) []struct {
	ImportPath, Dir, Name string
	Deps                  []string
	GoFiles               []string
} {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	var pkgs []struct {
		ImportPath, Dir, Name string
		Deps                  []string
		GoFiles               []string
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath, Dir, Name string
			Deps                  []string
			GoFiles               []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestPureCore keeps the core free of I/O (STYLE.md, DESIGN.md): routing,
// policy, the canonical model and the guardrails import no network and no
// database, so they stay fast, deterministic and testable with a fake clock.
func TestPureCore(t *testing.T) {
	pure := map[string]bool{"route": true, "policy": true, "llm": true, "guard": true}
	for _, p := range goList(t) {
		rel := strings.TrimPrefix(p.ImportPath, "github.com/switchboard-gov/switchboard/")
		if !pure[rel] {
			continue
		}
		for _, d := range p.Deps {
			if d == "net/http" || d == "database/sql" || d == "net" {
				t.Errorf("%s depends on %s; keep I/O at the edge", rel, d)
			}
		}
	}
}

// TestEveryPackageHasADocComment: a package's one-line doc comment is the
// map a reader navigates by.
func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range goList(t) {
		found := false
		fset := token.NewFileSet()
		for _, f := range p.GoFiles {
			af, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil && strings.HasPrefix(af.Doc.Text(), "Package "+p.Name+" ") || af.Doc != nil && p.Name == "main" && strings.HasPrefix(af.Doc.Text(), "Command ") {
				found = true
				break
			}
		}
		if !found && len(p.GoFiles) > 0 {
			t.Errorf("%s has no package doc comment (// Package %s …)", p.ImportPath, p.Name)
		}
	}
}
