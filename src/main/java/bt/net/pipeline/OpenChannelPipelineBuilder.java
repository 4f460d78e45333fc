package bt.net.pipeline;

import bt.net.Peer;

/**
 * Makes {@link ChannelPipelineBuilder}'s package-private constructor reachable, so torrent-http-bridge can bind its
 * own {@link IChannelPipelineFactory} (see {@code io.github.torrenthttpbridge.engine.MseSafePipelineFactory}). Written
 * for Bt 1.10; it adds nothing else to Bt's package.
 */
public abstract class OpenChannelPipelineBuilder extends ChannelPipelineBuilder {
    protected OpenChannelPipelineBuilder(Peer peer) {
        super(peer);
    }
}
