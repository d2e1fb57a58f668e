//! Paginators: walk `pageNo` until the last page, as a [`Stream`] of pages or of items.
//!
//! Every paged operation (`x-pagination` in the spec) implements [`Paginated`]; start a walk
//! with [`Client::paginate`]:
//!
//! ```no_run
//! # async fn run(client: ctyun_image::Client) -> Result<(), ctyun_image::Error> {
//! use ctyun_image::operations::ListImagesRequest;
//! let mut images = client.paginate(ListImagesRequest::new()).page_size(100).items();
//! while let Some(image) = images.next().await {
//!     println!("{}", image?.image_id);
//! }
//! # Ok(()) }
//! ```
//!
//! The walk stops at the first of: an empty page, `totalPage` reached, `totalCount` items seen,
//! a page shorter than the page size. Each page is one call with the client's retry policy.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub use futures_core::Stream;

use crate::runtime::Operation;
use crate::{Client, Error};

/// A paged list operation (implemented by the generated request types).
pub trait Paginated: Operation + Clone + Unpin + 'static {
    /// One element of a page.
    type Item: Send + Unpin + 'static;
    /// Sets the page number (1-based).
    fn set_page(&mut self, page: i64);
    /// Sets the page size.
    fn set_page_size(&mut self, size: i64);
    /// The page number set on the request, if any.
    fn current_page(&self) -> Option<i64>;
    /// The page size set on the request, if any.
    fn current_page_size(&self) -> Option<i64>;
    /// The items of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
    /// Number of items on the page (without consuming it).
    fn item_count(output: &Self::Output) -> usize;
    /// `totalPage` of a response, when the operation has one.
    fn total_pages(output: &Self::Output) -> Option<i64>;
    /// `totalCount` of a response, when the operation has one.
    fn total_count(output: &Self::Output) -> Option<i64>;
}

/// Clamps a page number or size into an `i32` field.
#[doc(hidden)]
pub fn to_i32(n: i64) -> i32 {
    n.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

impl Client {
    /// Walks all pages of a paged operation, starting from the request's `pageNo` (or 1).
    pub fn paginate<R: Paginated>(&self, request: R) -> Paginator<R> {
        Paginator { client: self.clone(), request }
    }
}

/// A configured walk over the pages of one request; see [`Client::paginate`].
#[derive(Debug)]
pub struct Paginator<R> {
    client: Client,
    request: R,
}

impl<R: Paginated> Paginator<R> {
    /// Items per page (within the operation's limit, e.g. 1–200 for `listImages`). An `i32`,
    /// like the `pageSize` field of every paged request.
    pub fn page_size(mut self, size: i32) -> Self {
        self.request.set_page_size(i64::from(size));
        self
    }

    /// A stream of whole pages (the operation's output).
    pub fn pages(self) -> PageStream<R> {
        let page = self.request.current_page().unwrap_or(1).max(1);
        PageStream { client: self.client, request: Some(self.request), page, seen: 0, inflight: None }
    }

    /// A stream of items across pages.
    pub fn items(self) -> ItemStream<R> {
        ItemStream { pages: self.pages(), buffer: VecDeque::new() }
    }
}

type PageFuture<O> = Pin<Box<dyn Future<Output = Result<O, Error>> + Send>>;

/// Pages of a paginated operation; a [`Stream`], or call [`PageStream::next`].
pub struct PageStream<R: Paginated> {
    client: Client,
    /// The request for the next page; `None` once the walk is over.
    request: Option<R>,
    page: i64,
    seen: i64,
    inflight: Option<PageFuture<R::Output>>,
}

impl<R: Paginated> std::fmt::Debug for PageStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream").field("page", &self.page).field("seen", &self.seen).finish_non_exhaustive()
    }
}

impl<R: Paginated> PageStream<R> {
    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<R::Output, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Decides whether a page was the last one: any signal ends the walk, so a server that
    /// reports inconsistent totals or ignores `pageNo` cannot make it loop forever.
    fn is_last(&self, output: &R::Output, count: usize, page_size: Option<i64>) -> bool {
        count == 0
            || R::total_pages(output).is_some_and(|total| self.page >= total)
            || R::total_count(output).is_some_and(|total| self.seen >= total)
            || page_size.is_some_and(|size| (count as i64) < size)
            || self.page >= i64::from(i32::MAX)
    }
}

impl<R: Paginated> Stream for PageStream<R> {
    type Item = Result<R::Output, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.inflight.is_none() {
            let Some(request) = this.request.as_ref() else { return Poll::Ready(None) };
            let mut request = request.clone();
            request.set_page(this.page);
            let client = this.client.clone();
            this.inflight = Some(Box::pin(async move { client.send(request).await }));
        }
        let Some(fut) = this.inflight.as_mut() else { return Poll::Ready(None) };
        let result = ready!(fut.as_mut().poll(cx));
        this.inflight = None;
        match result {
            Err(e) => {
                this.request = None;
                Poll::Ready(Some(Err(e)))
            }
            Ok(output) => {
                let count = R::item_count(&output);
                this.seen += count as i64;
                let page_size = this.request.as_ref().and_then(|r| r.current_page_size());
                if this.is_last(&output, count, page_size) {
                    this.request = None;
                } else {
                    this.page += 1;
                }
                Poll::Ready(Some(Ok(output)))
            }
        }
    }
}

/// Items across the pages of a paginated operation; a [`Stream`], or call
/// [`ItemStream::next`] / [`ItemStream::try_collect`].
pub struct ItemStream<R: Paginated> {
    pages: PageStream<R>,
    buffer: VecDeque<R::Item>,
}

impl<R: Paginated> std::fmt::Debug for ItemStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish()
    }
}

impl<R: Paginated> ItemStream<R> {
    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<R::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// All remaining items, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<R::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<R: Paginated> Stream for ItemStream<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(page)) => this.buffer.extend(R::into_items(page)),
            }
        }
    }
}
