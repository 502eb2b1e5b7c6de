package flowmatch

// Dataset is what the Trainer learns from: Len samples, each of shape
// channels × height × width, drawn by index. MNIST's images are one
// (mnist.Images); a point cloud is another (samples of shape 2 × 1 × 1).
type Dataset interface {
	// Len is the number of samples.
	Len() int
	// Shape is the shape of one sample.
	Shape() (channels, height, width int)
	// Batch writes the samples at indices, one after the other, into dst
	// (len(indices)·channels·height·width values), scaled to the range
	// the model works in ([−1, 1] for images).
	Batch(dst []float32, indices []int)
}
