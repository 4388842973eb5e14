package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
	"github.com/switchboard-gov/switchboard/sqlite"
)

const crashConfig = `listen: %s
store: sqlite:%s
providers:
  up: {protocol: openai, base_url: "%s/v1", api_key: k}
vendors:
  openai: {name: OpenAI}
models:
  m1: {provider: up, vendor: openai, upstream: gpt-4.1}
tenants:
  agency: {name: Agency}
keys:
  - {key: sb-crash-test-key-0001, tenant: agency, name: load}
`

// TestCrashLosesNoCompletedRequest builds the binary, drives concurrent
// requests (half streamed, from a fake vendor that streams slowly), kills
// the gateway with SIGKILL while streams are in flight, restarts it, and
// checks that every request the client saw complete has its audit record
// and that `audit verify` passes.
func TestCrashLosesNoCompletedRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "switchboard")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fake := httptest.NewServer(fakeprovider.New(fakeprovider.Options{Chunks: 8, ChunkDelay: 15 * time.Millisecond, NoRecord: true}))
	defer fake.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dbPath := filepath.Join(dir, "sb.db")
	cfgPath := filepath.Join(dir, "switchboard.yaml")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(crashConfig, addr, dbPath, fake.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--config", cfgPath)
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for range 200 {
			if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				return cmd
			}
			time.Sleep(25 * time.Millisecond)
		}
		cmd.Process.Kill()
		t.Fatal("the gateway did not start")
		return nil
	}
	gw := start()

	var (
		mu        sync.Mutex
		completed []string
		cut       int
	)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				stream := (w+i)%2 == 0
				id, done := oneRequest(addr, stream)
				mu.Lock()
				if done {
					completed = append(completed, id)
				} else if id != "" && stream {
					cut++
				}
				mu.Unlock()
			}
		})
	}
	// Let load build up, then kill the process outright: no shutdown, no
	// flush.
	for {
		mu.Lock()
		n := len(completed)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := gw.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = gw.Wait()
	stop()
	wg.Wait()
	if cut == 0 {
		t.Log("no stream was cut by the kill this time")
	}

	// Restart on the same database: it must open after the crash.
	gw = start()
	_ = gw.Process.Signal(syscall.SIGTERM)
	_ = gw.Wait()

	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	as, err := sqlite.NewAuditStore(db)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	if err := as.Scan(context.Background(), 0, func(r *audit.Record) error { have[r.ID] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	as.Close()
	db.Close()
	missing := 0
	for _, id := range completed {
		if !have[id] {
			missing++
			if missing <= 5 {
				t.Errorf("request %s completed for the client but has no audit record", id)
			}
		}
	}
	t.Logf("%d requests completed before the kill, %d streams cut by it, %d audit records", len(completed), cut, len(have))
	if missing > 0 {
		t.Errorf("%d of %d completed requests have no audit record", missing, len(completed))
	}

	out, err := exec.Command(bin, "audit", "verify", "--store", "sqlite:"+dbPath, "--quiet").CombinedOutput()
	if err != nil {
		t.Fatalf("audit verify after the crash: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok: the chain verifies") {
		t.Errorf("audit verify output: %s", out)
	}
}

// oneRequest sends one chat completion; done reports that the client saw
// it complete (the whole JSON body, or the stream's [DONE]).
func oneRequest(addr string, stream bool) (id string, done bool) {
	body := fmt.Sprintf(`{"model":"m1","stream":%v,"messages":[{"role":"user","content":"Write a short note about audit trails please."}]}`, stream)
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer sb-crash-test-key-0001")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	id = resp.Header.Get("Switchboard-Request-Id")
	if resp.StatusCode != 200 {
		return id, false
	}
	if !stream {
		b, err := io.ReadAll(resp.Body)
		return id, err == nil && strings.HasSuffix(strings.TrimSpace(string(b)), "}")
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "data: [DONE]" {
			return id, true
		}
	}
	return id, false
}
