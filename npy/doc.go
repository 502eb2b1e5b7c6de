// Package npy reads and writes NumPy's .npy files of float32 and uint8
// arrays, the format in which windrose exchanges noise and images with
// Python (numpy.save and numpy.load, torch.Tensor.numpy).
//
// # Format
//
// An .npy file (NumPy Enhancement Proposal 1, "A simple file format for
// NumPy arrays", and numpy.lib.format) is the magic "\x93NUMPY", a major and
// a minor version byte, the header length (2 bytes little-endian in version
// 1.0, 4 bytes in 2.0 and 3.0), then the header, a Python dict literal
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 28, 28), }
//
// padded with spaces and a newline, and the raw array in C order.
//
// Read accepts versions 1.0, 2.0 and 3.0, dtype float32 in either byte
// order and uint8, in C order; anything else is refused with an error
// wrapping ErrFormat. WriteFloat32 and WriteUint8 write version 1.0 with the
// header padded so that the data start at a multiple of 64 bytes, as NumPy
// does, so that their files are byte for byte what numpy.save writes.
// Uint8Writer writes the same files piece by piece, for arrays produced
// (and larger than memory) a batch at a time.
//
// # Errors
//
// A shape that does not hold the data given to a Write function is a
// programmer mistake and panics with a message starting "npy: ". Everything
// else is returned as an error that names the file.
package npy
