package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration `FILE`")
	addr := fs.String("addr", "", "listen on `HOST:PORT` (overrides the file's listen)")
	demo := fs.Bool("demo", false, "run the self-contained demo: simulated vendors in-process, SQLite in --data, no file, no network")
	data := fs.String("data", "./data", "data `DIR` for the demo's SQLite database")
	at := fs.String("at", "", "start the clock at `TIME` (RFC 3339, e.g. 2026-03-05T12:00:00Z) for demos, training and what-if")
	simulate := fs.Bool("simulate", false, "with --config: put the in-process simulated vendors behind every provider (offline demos, training)")
	logJSON := fs.Bool("log-json", false, "write logs as JSON lines")
	logLevel := fs.String("log-level", "info", "log `LEVEL`: debug (adds a line per request), info, warn or error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `FILE` (for `go tool pprof`), until shutdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if *demo == (*path != "") {
		fmt.Fprintln(stderr, "serve: give exactly one of --demo or --config FILE")
		return exitError(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("serve: --log-level %q: say debug, info, warn or error", *logLevel)
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if *logJSON {
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(handler)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("serve: --cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("serve: --cpuprofile: %w", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}

	now := time.Now
	if *at != "" {
		start, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("serve: --at %q is not an RFC 3339 time (for example 2026-03-05T12:00:00Z)", *at)
		}
		now = simulatedClock(start)
		log.Warn("simulated time: the clock starts at --at and runs forward from there", "at", start)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var (
		cfg *config.Config
		err error
	)
	var fakeURL string
	if *demo || *simulate {
		var stopFake func()
		if fakeURL, stopFake, err = startFake(log); err != nil {
			return err
		}
		defer stopFake()
	}
	if *demo {
		if cfg, err = demoConfig(fakeURL, *data, log); err != nil {
			return err
		}
	} else if cfg, err = config.Load(*path); err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				fmt.Fprintf(stderr, "%s:%d: %s: %s\n", *path, p.Line, p.Path, p.Message)
			}
			return fmt.Errorf("%s has %d problem(s); `switchboard validate --config %s` lists them", *path, len(ps), *path)
		}
		return err
	}
	if *simulate {
		gateway.Simulate(cfg, fakeURL)
		log.Warn("SIMULATED VENDORS: every provider of the file is served by the in-process fake; no request leaves this machine")
	}
	if *addr != "" {
		cfg.Listen = *addr
	}

	sim := *demo || *simulate
	g, err := gateway.New(ctx, cfg, gateway.Options{Logger: log, Now: now, Simulated: sim})
	if err != nil {
		return err
	}
	defer g.Close()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           g.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
	}
	if *path != "" {
		go reloadOnChange(ctx, g, *path, fakeURL, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("switchboard listening", "addr", "http://"+ln.Addr().String(), "version", versionString(), "demo", *demo)
	if *demo {
		printDemoTour(stdout, ln.Addr().String())
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight streams finish.
	log.Info("shutting down: finishing in-flight requests (up to 60s)")
	sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown did not finish cleanly", "err", err)
	}
	return nil
}

// simulatedClock runs from start at the speed of the real clock.
func simulatedClock(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)) }
}

// reloadOnChange reloads the configuration file on SIGHUP and when the
// file changes on disk. A file with problems is refused and the running
// configuration stays in force.
func reloadOnChange(ctx context.Context, g *gateway.Gateway, path, fakeURL string, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	// Watch the directory, not the file: editors and config managers
	// replace files by renaming, which a watch on the file itself misses.
	var events chan fsnotify.Event
	if w, err := fsnotify.NewWatcher(); err != nil {
		log.Warn("config file watching unavailable; reload with SIGHUP", "err", err)
	} else if err := w.Add(filepath.Dir(path)); err != nil {
		log.Warn("config file watching unavailable; reload with SIGHUP", "err", err)
		w.Close()
	} else {
		defer w.Close()
		events = w.Events
	}
	abs, _ := filepath.Abs(path)
	var debounce <-chan time.Time
	reload := func(why string) {
		cfg, err := config.Load(path)
		if err != nil {
			log.Error("reload refused: the configuration has problems; the previous one stays in force", "file", path, "trigger", why, "err", err)
			return
		}
		cfg.Listen = g.Config().Listen
		if fakeURL != "" {
			gateway.Simulate(cfg, fakeURL)
		}
		if err := g.Reload(ctx, cfg); err != nil {
			log.Error("reload refused; the previous configuration stays in force", "file", path, "trigger", why, "err", err)
			return
		}
		log.Info("configuration reloaded", "file", path, "trigger", why)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload("SIGHUP")
		case ev := <-events:
			if p, _ := filepath.Abs(ev.Name); p == abs && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				// Writers often save in several steps; wait until they settle.
				debounce = time.After(200 * time.Millisecond)
			}
		case <-debounce:
			debounce = nil
			reload("file change")
		}
	}
}
