package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-gov/switchboard/config"
)

func validate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration `FILE` to check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		fmt.Fprintln(stderr, "validate: --config FILE is required")
		return exitError(2)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				fmt.Fprintf(stdout, "%s:%d: %s: %s\n", *path, p.Line, p.Path, p.Message)
			}
			return fmt.Errorf("%s: %d problem(s)", *path, len(ps))
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: ok (%d providers, %d models, %d aliases, %d tenants, %d keys)\n",
		*path, len(cfg.Providers), len(cfg.Models), len(cfg.Aliases), len(cfg.Tenants), len(cfg.Keys))
	return nil
}
