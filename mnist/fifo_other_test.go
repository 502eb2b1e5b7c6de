//go:build !unix

package mnist_test

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
