package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is one process the benchmark started: the fake, the stock reverse
// proxy or the gateway.
type child struct {
	name string
	url  string // base URL, http://127.0.0.1:PORT
	cmd  *exec.Cmd
	log  string // path of its combined stdout and stderr
	done chan struct{}
	err  error
}

// children are killed on every way out of the benchmark: a normal return,
// Ctrl-C, a panic in main (cleanup is deferred) and a crash of the
// benchmark itself (Pdeathsig).
var (
	childMu  sync.Mutex
	children []*child
)

// startChild starts bin with args, logging to logPath, and waits until
// url+probe answers HTTP.
func startChild(ctx context.Context, name, url, probe, logPath, bin string, args ...string) (*child, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, url: url, cmd: cmd, log: logPath, done: make(chan struct{})}
	childMu.Lock()
	children = append(children, c)
	childMu.Unlock()
	go func() { c.err = cmd.Wait(); close(c.done) }()

	deadline := time.Now().Add(20 * time.Second)
	cl := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-c.done:
			return nil, fmt.Errorf("%s exited before it was ready (%v); its log:\n%s", name, c.err, tail(logPath))
		case <-ctx.Done():
			return nil, ctx.Err()
		default:
		}
		if resp, err := cl.Get(url + probe); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s not ready at %s after 20s; its log:\n%s", name, url+probe, tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// exited returns an error with the end of the child's log if it has exited.
func (c *child) exited() error {
	select {
	case <-c.done:
		return fmt.Errorf("%s exited during the benchmark (%v); the end of its log:\n%s", c.name, c.err, tail(c.log))
	default:
		return nil
	}
}

// stop asks the child to leave (SIGTERM), then kills it after 3s.
func (c *child) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(3 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// stopChildren stops every child started so far, newest first.
func stopChildren() {
	childMu.Lock()
	defer childMu.Unlock()
	for i := len(children) - 1; i >= 0; i-- {
		children[i].stop()
	}
	children = nil
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// cpuTicks is a process's user+system CPU time in clock ticks (USER_HZ),
// from /proc/PID/stat: all its threads, not only the main one.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

// parseStatCPU reads utime+stime (fields 14 and 15) of a /proc/PID/stat
// line. The command name (field 2) may hold spaces and parentheses, so the
// fields are counted from the last ')'.
func parseStatCPU(b []byte) (int64, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("/proc stat: no ')' after the command name")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), so field k is f[k-3].
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields after the command name, want at least 13", len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc stat: utime/stime: %w", err)
	}
	return ut + st, nil
}

// memKiB reads one "Name:   N kB" line (VmRSS, VmHWM) of /proc/PID/status.
func memKiB(pid int, name string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusKiB(b, name)
}

func parseStatusKiB(b []byte, name string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != name {
			continue
		}
		return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
	}
	return 0, fmt.Errorf("/proc status: no %s line", name)
}

// resetPeakRSS resets VmHWM to the current RSS (writing 5 to clear_refs,
// Linux ≥ 4.0). It reports whether that worked; when it did not, the peak is
// only the sampled VmRSS.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// rssSampler samples a process's VmRSS until stopped and reports the peak.
type rssSampler struct {
	pid  int
	stop chan struct{}
	done chan int64
}

func sampleRSS(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if v, err := memKiB(pid, "VmRSS"); err == nil && v > peak {
				peak = v
			}
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// peakKiB stops the sampler and returns the peak RSS in KiB: the larger of
// the sampled VmRSS and VmHWM (when resetPeakRSS worked).
func (s *rssSampler) peakKiB(hwmValid bool) int64 {
	close(s.stop)
	peak := <-s.done
	if hwmValid {
		if v, err := memKiB(s.pid, "VmHWM"); err == nil && v > peak {
			peak = v
		}
	}
	return peak
}

// clockTicks is USER_HZ from `getconf CLK_TCK`, or 100 (and false) when
// getconf is unavailable.
func clockTicks() (int64, bool) {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && n > 0 {
			return n, true
		}
	}
	return 100, false
}
