package guard

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps guard pure: no network, no database, no processes. It
// runs in the proxy's hot path and must stay a function of its input.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "net", "net/http", "net/http/cookiejar", "database/sql", "os/exec":
			t.Errorf("guard depends on %s", dep)
		}
	}
}
