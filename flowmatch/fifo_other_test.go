//go:build !unix

package flowmatch

import "errors"

func mkfifo(string) error { return errors.New("no mkfifo") }
