/** A Mainline DHT node (BEP 5) on mldht, which announces our torrents and looks up their peers. */
package io.github.torrenthttpbridge.dht;
