package main

import (
	"flag"
	"strings"

	"github.com/windrose/windrose/nn"
)

// backendFlag adds -backend to fs; useBackend applies it after parsing.
func backendFlag(fs *flag.FlagSet) *string {
	return fs.String("backend", "", "`name` of the network backend: "+strings.Join(nn.Backends(), ", ")+
		" (default: $"+nn.EnvBackend+", else "+nn.DefaultBackend().Name()+" in this build)")
}

// useBackend makes name the backend of every network the command builds;
// an empty name keeps the default.
func useBackend(name string) error {
	if name == "" {
		return nil
	}
	if err := nn.UseBackend(name); err != nil {
		return usagef("-backend: %v", err)
	}
	return nil
}
