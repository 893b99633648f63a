/**
 * libtorch on the machines a study runs on: where it comes from offline ({@link
 * org.smarttuner.tts.torch.NativeTorch}: an archive the executors unpack, or the CUDA natives a
 * {@code -Pcuda} build bundles), the archive itself ({@link org.smarttuner.tts.torch.LibTorchArchive}),
 * what CUDA it can use ({@link org.smarttuner.tts.torch.CudaProbe}, asked of the CUDA runtime libtorch
 * loaded), and its GPU math settings ({@link org.smarttuner.tts.torch.TorchFlags}: TF32, cuDNN's
 * autotuner), recorded with each trial by {@link org.smarttuner.tts.torch.DeviceSetup}.
 */
package org.smarttuner.tts.torch;
