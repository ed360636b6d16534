// Videos through FFmpeg's libraries: libavformat demuxes, libavcodec decodes (on its own threads),
// up to four frames ahead on a thread of this reader. Planar YUV (the camera and editing formats)
// becomes RGB in yuv_rgb.cpp, exactly, with the stream's matrix and range; other layouts (packed,
// semi-planar, RGB) go through libswscale. Output: 8 bits for 8-bit sources, 16 bits for deeper
// ones. Frames come in presentation order, counted one by one; a seek finds the frame by its
// timestamp in an index of the stream's packets.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "yuv_rgb.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

std::string av_message(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct ScaleFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using Format = std::unique_ptr<AVFormatContext, FormatCloser>;

Format open_format(const fs::path& path) {
  AVFormatContext* raw = nullptr;
  const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) throw FrameError("cannot open video '" + path.string() + "': " + av_message(rc));
  Format format(raw);
  if (const int info = avformat_find_stream_info(format.get(), nullptr); info < 0)
    throw FrameError("cannot read video '" + path.string() + "': " + av_message(info));
  return format;
}

// libswscale's coefficient table for the stream's matrix; ffmpeg's default (BT.601) when untagged.
int sws_matrix(AVColorSpace space) {
  switch (space) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
      return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
      return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
    default:
      return SWS_CS_DEFAULT;
  }
}

bool is_jpeg_format(AVPixelFormat f) {
  return f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P || f == AV_PIX_FMT_YUVJ444P || f == AV_PIX_FMT_YUVJ440P ||
         f == AV_PIX_FMT_YUVJ411P;
}

// The presentation timestamp of a packet or frame (its decoding one when it has none).
std::int64_t stamp(std::int64_t pts, std::int64_t dts) { return pts != AV_NOPTS_VALUE ? pts : dts; }

}  // namespace

struct VideoReader::Impl {
  Format format;
  std::unique_ptr<AVCodecContext, CodecCloser> codec;
  std::unique_ptr<AVFrame, FrameFree> frame{av_frame_alloc()};
  std::unique_ptr<AVPacket, PacketFree> packet{av_packet_alloc()};
  std::unique_ptr<SwsContext, ScaleFree> scale;
  AVPixelFormat scale_from = AV_PIX_FMT_NONE;
  int stream = -1;
  bool deep = false;      // more than 8 bits: RGB48
  bool drained = false;   // the demuxer is at its end; the decoder is being flushed
  bool finished = false;  // no frame is left
  // Decoding runs ahead on a thread of its own (FFmpeg's decoder leaves cores idle between frames;
  // the conversion to RGB fills them): decoded frames wait in `ready` (at most kAhead; four measured
  // faster than two on 1080p H.264).
  static constexpr std::size_t kAhead = 4;
  std::thread worker;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<AVFrame*> ready;
  bool stop = false, worker_done = false;
  std::string worker_error;
  std::vector<std::int64_t> index;  // every frame's timestamp, in presentation order (index_frames)
  std::vector<cv::Mat> pool;        // output frames, reused once their readers have let go of them

  // An output frame: a pooled one nobody else holds (no page faults on fresh memory), or a new one.
  cv::Mat take(int rows, int cols, int type) {
    for (cv::Mat& m : pool) {
      if (m.u && m.u->refcount == 1 && m.rows == rows && m.cols == cols && m.type() == type) return m;
    }
    cv::Mat m(rows, cols, type);
    if (pool.size() < 8) pool.push_back(m);
    return m;
  }

  ~Impl() { halt(); }

  // Every frame's timestamp, from one pass over the file's packets (demuxed, not decoded), in
  // presentation order: what seeks look frames up in, and the frame count where the container has
  // none.
  void index_frames(const fs::path& path) {
    index.clear();
    const Format scan = open_format(path);
    std::unique_ptr<AVPacket, PacketFree> p{av_packet_alloc()};
    while (av_read_frame(scan.get(), p.get()) >= 0) {
      if (p->stream_index == stream && !(p->flags & AV_PKT_FLAG_DISCARD)) index.push_back(stamp(p->pts, p->dts));
      av_packet_unref(p.get());
    }
    std::sort(index.begin(), index.end());
  }

  // Starts the decoding thread (when it is not running and frames are left).
  void start(const fs::path& path) {
    if (worker.joinable() || finished) return;
    stop = worker_done = false;
    worker_error.clear();
    worker = std::thread([this, path] {
      std::string error;
      try {
        while (true) {
          {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return stop || ready.size() < kAhead; });
            if (stop) break;
          }
          if (!decode(path)) break;
          AVFrame* copy = av_frame_clone(frame.get());
          if (!copy) throw FrameError("out of memory decoding '" + path.string() + "'");
          std::lock_guard lock(mutex);
          ready.push_back(copy);
          changed.notify_all();
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
      std::lock_guard lock(mutex);
      worker_error = error;
      worker_done = true;
      changed.notify_all();
    });
  }

  // Stops the decoding thread and drops the frames it decoded ahead.
  void halt() {
    if (worker.joinable()) {
      {
        std::lock_guard lock(mutex);
        stop = true;
      }
      changed.notify_all();
      worker.join();
    }
    for (AVFrame* f : ready) av_frame_free(&f);
    ready.clear();
  }

  // The next decoded frame (the caller frees it), or nullptr at the end; rethrows a decoding error.
  AVFrame* pop(const fs::path& path) {
    start(path);
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return !ready.empty() || worker_done || !worker.joinable(); });
    if (ready.empty()) {
      if (!worker_error.empty()) {
        const std::string error = worker_error;
        worker_error.clear();
        throw FrameError(error);
      }
      return nullptr;
    }
    AVFrame* f = ready.front();
    ready.pop_front();
    changed.notify_all();
    return f;
  }

  // Decodes the next frame into `frame`; false at the end of the stream. Only the decoding thread
  // calls it, or seek() while that thread is stopped.
  bool decode(const fs::path& path) {
    while (!finished) {
      const int got = avcodec_receive_frame(codec.get(), frame.get());
      if (got == 0) return true;
      if (got == AVERROR_EOF) {
        finished = true;
        break;
      }
      if (got != AVERROR(EAGAIN))
        throw FrameError("cannot decode a frame of '" + path.string() + "': " + av_message(got));
      if (drained) {
        finished = true;
        break;
      }
      int rc = 0;
      while ((rc = av_read_frame(format.get(), packet.get())) >= 0 && packet->stream_index != stream) {
        av_packet_unref(packet.get());
      }
      if (rc < 0) {
        drained = true;
        avcodec_send_packet(codec.get(), nullptr);  // flush: the frames the decoder still holds
        continue;
      }
      const int sent = avcodec_send_packet(codec.get(), packet.get());
      av_packet_unref(packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN) && sent != AVERROR_INVALIDDATA) {
        throw FrameError("cannot decode '" + path.string() + "': " + av_message(sent));
      }
    }
    return false;
  }

  cv::Mat convert(const AVFrame* f, const fs::path& path) {
    const auto from = static_cast<AVPixelFormat>(f->format);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(from);
    if (detail::plain_planar_yuv(desc)) {
      cv::Mat rgb = take(f->height, f->width, deep ? CV_16UC3 : CV_8UC3);
      detail::yuv_to_rgb(f, desc, f->color_range == AVCOL_RANGE_JPEG || is_jpeg_format(from), rgb);
      return rgb;
    }
    if (!scale || from != scale_from) {
      const AVPixelFormat to = deep ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24;
      scale.reset(sws_getContext(f->width, f->height, from, f->width, f->height, to,
                                 SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP, nullptr,
                                 nullptr, nullptr));
      if (!scale) throw FrameError("cannot convert the frames of '" + path.string() + "' to RGB");
      scale_from = from;
      const bool full = f->color_range == AVCOL_RANGE_JPEG || is_jpeg_format(from);
      const int* matrix = sws_getCoefficients(sws_matrix(f->colorspace));
      sws_setColorspaceDetails(scale.get(), matrix, full ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
                               1 << 16);
    }
    cv::Mat rgb(f->height, f->width, deep ? CV_16UC3 : CV_8UC3);
    std::uint8_t* dst[4] = {rgb.data, nullptr, nullptr, nullptr};
    const int dst_stride[4] = {static_cast<int>(rgb.step[0]), 0, 0, 0};
    sws_scale(scale.get(), f->data, f->linesize, 0, f->height, dst, dst_stride);
    return rgb;
  }
};

VideoReader::VideoReader(const fs::path& path) : impl_(std::make_unique<Impl>()), path_(path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw FrameError("video '" + path.string() + "' does not exist");
  av_log_set_level(AV_LOG_FATAL);  // errors reach the user in our messages
  impl_->format = open_format(path);
  AVFormatContext* format = impl_->format.get();
  const AVCodec* decoder = nullptr;
  impl_->stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (impl_->stream < 0 || !decoder) {
    throw FrameError("cannot read video '" + path.string() + "': " +
                     (impl_->stream == AVERROR_DECODER_NOT_FOUND ? "FFmpeg has no decoder for its video stream"
                                                                 : "it has no video stream"));
  }
  AVStream* stream = format->streams[impl_->stream];
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (static_cast<int>(i) != impl_->stream) format->streams[i]->discard = AVDISCARD_ALL;
  }
  impl_->codec.reset(avcodec_alloc_context3(decoder));
  avcodec_parameters_to_context(impl_->codec.get(), stream->codecpar);
  impl_->codec->thread_count = 0;  // FFmpeg's choice (cores + 1): faster than one per core, measured
  if (const int rc = avcodec_open2(impl_->codec.get(), decoder, nullptr); rc < 0)
    throw FrameError("cannot decode video '" + path.string() + "': " + av_message(rc));
  const AVCodecParameters* par = stream->codecpar;
  width_ = par->width, height_ = par->height;
  if (width_ <= 0 || height_ <= 0)
    throw FrameError("cannot read video '" + path.string() + "': its frames have no size");
  const AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  fps_ = rate.den > 0 ? av_q2d(rate) : 0.0;
  const auto* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par->format));
  info_.format = decoder->name;
  info_.bits = desc ? desc->comp[0].depth : 8;
  impl_->deep = info_.bits > 8;
  info_.display = info_.data = {0, 0, width_, height_};
  if (par->sample_aspect_ratio.num > 0 && par->sample_aspect_ratio.den > 0)
    info_.pixel_aspect = static_cast<float>(av_q2d(par->sample_aspect_ratio));
  const bool rgb = desc && (desc->flags & AV_PIX_FMT_FLAG_RGB);
  if (!rgb) {
    const bool full = par->color_range == AVCOL_RANGE_JPEG || is_jpeg_format(static_cast<AVPixelFormat>(par->format));
    const char* matrix =
        par->color_space == AVCOL_SPC_UNSPECIFIED ? "untagged (bt601)" : av_color_space_name(par->color_space);
    info_.colorspace = std::string(matrix ? matrix : "?") + (full ? " full" : " limited");
  }
  if (par->color_trc != AVCOL_TRC_UNSPECIFIED) {
    const char* trc = av_color_transfer_name(par->color_trc);
    info_.colorspace += std::string(info_.colorspace.empty() ? "" : ", ") + (trc ? trc : "?");
  }
  frames_ = static_cast<int>(stream->nb_frames);
  if (frames_ <= 0) {
    // The container does not say (Matroska, some AVI): its packets are indexed now, and counted.
    impl_->index_frames(path);
    frames_ = static_cast<int>(impl_->index.size());
  }
}

VideoReader::~VideoReader() = default;

cv::Mat VideoReader::next() {
  AVFrame* f = impl_->pop(path_);
  if (!f) return {};
  ++position_;
  try {
    cv::Mat rgb = impl_->convert(f, path_);
    av_frame_free(&f);
    return rgb;
  } catch (...) {
    av_frame_free(&f);
    throw;
  }
}

cv::Mat VideoReader::next_hint() {
  const cv::Mat rgb = next();
  if (rgb.empty()) return {};
  cv::Mat red, out;
  cv::extractChannel(rgb, red, 0);
  red.convertTo(out, CV_32F, rgb.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
  return out;
}

void VideoReader::skip(int n) {
  for (int i = 0; i < n; ++i) {
    AVFrame* f = impl_->pop(path_);
    if (!f) break;
    av_frame_free(&f);
    ++position_;
  }
}

bool VideoReader::seek(int index) {
  if (index == position_) return true;
  if (index < 0) return false;
  Impl& m = *impl_;
  if (m.index.empty()) m.index_frames(path_);
  if (index >= static_cast<int>(m.index.size())) return false;
  const std::int64_t target = m.index[static_cast<std::size_t>(index)];
  m.halt();  // the frames decoded ahead belong to the old position
  if (av_seek_frame(m.format.get(), m.stream, target, AVSEEK_FLAG_BACKWARD) < 0) {
    // Not seekable: decode again from the start.
    if (av_seek_frame(m.format.get(), m.stream, 0, AVSEEK_FLAG_BACKWARD) < 0) return false;
  }
  avcodec_flush_buffers(m.codec.get());
  m.drained = m.finished = false;
  while (m.decode(path_)) {
    const std::int64_t at = stamp(m.frame->best_effort_timestamp, m.frame->pkt_dts);
    if (at >= target) {
      // The frame is decoded: next() hands it out first, then the decoding thread goes on.
      AVFrame* copy = av_frame_clone(m.frame.get());
      if (!copy) return false;
      m.ready.push_back(copy);
      position_ = index;
      return true;
    }
  }
  position_ = frames_;
  return false;
}

}  // namespace corridorkey
